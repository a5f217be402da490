/// Which number an SMS code comes from: US and Canadian phones get short codes (rotated, so that one
/// carrier's filtering of a code does not stop every text), other countries the provider's long number.
public enum SMSSender {
    public static let usShortCodes = ["97671", "69829", "51789", "99399"]
    public static let canadianShortCodes = ["759731", "673801"]

    /// The destination's country, as far as SMS routing cares: "US", "CA" or another ISO code.
    ///
    /// +1 numbers share one country code across the North American Numbering Plan, so Canada and the
    /// Caribbean members are told apart from the US by area code.
    public static func country(of e164: String, fallback: String?) -> String {
        guard e164.hasPrefix("+1"), e164.utf8.count >= 5 else {
            let digits = e164.dropFirst()
            for length in [3, 2] {
                if let code = callingCodes[String(digits.prefix(length))] { return code }
            }
            return fallback ?? "ZZ"
        }
        let areaCode = String(e164.dropFirst(2).prefix(3))
        if canadianAreaCodes.contains(areaCode) { return "CA" }
        if let other = otherNANPAreaCodes[areaCode] { return other }
        return "US"
    }

    /// The sender for a text to a phone in `country` (from `country(of:fallback:)`); `rotation` picks
    /// among the short codes. Nil when the destination needs a long number and the provider has none.
    public static func sender(country: String, longNumber: String?, rotation: Int) -> String? {
        let codes: [String]
        switch country {
        case "US": codes = usShortCodes
        case "CA": codes = canadianShortCodes
        default: return longNumber
        }
        return codes[abs(rotation % codes.count)]
    }

    /// Canadian geographic area codes (CNAC, 2026).
    static let canadianAreaCodes: Set<String> = [
        "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365", "367", "368", "382",
        "387", "403", "416", "418", "428", "431", "437", "438", "450", "460", "468", "474", "506", "514", "519",
        "548", "579", "581", "584", "587", "604", "613", "639", "647", "672", "683", "705", "709", "742", "753",
        "778", "780", "782", "807", "819", "825", "867", "873", "879", "902", "905", "942",
    ]

    /// Countries by their calling code, for the common destinations outside the NANP. Codes that
    /// several countries share (7: Russia and Kazakhstan) are left to the user's country setting.
    static let callingCodes: [String: String] = [
        "44": "GB", "33": "FR", "49": "DE", "48": "PL", "86": "CN", "91": "IN", "61": "AU", "81": "JP", "34": "ES",
        "39": "IT", "31": "NL", "46": "SE", "47": "NO", "45": "DK", "41": "CH", "43": "AT", "32": "BE", "353": "IE",
        "351": "PT", "55": "BR", "52": "MX", "27": "ZA", "65": "SG", "852": "HK", "82": "KR", "64": "NZ", "972": "IL",
        "971": "AE", "420": "CZ", "36": "HU", "30": "GR", "90": "TR", "358": "FI", "380": "UA", "40": "RO",
    ]

    /// NANP members that are neither the US (with its territories) nor Canada.
    static let otherNANPAreaCodes: [String: String] = [
        "242": "BS", "246": "BB", "264": "AI", "268": "AG", "284": "VG", "345": "KY", "441": "BM", "473": "GD",
        "649": "TC", "658": "JM", "876": "JM", "664": "MS", "721": "SX", "758": "LC", "767": "DM", "784": "VC",
        "809": "DO", "829": "DO", "849": "DO", "868": "TT", "869": "KN",
    ]
}
