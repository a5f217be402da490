import CountersignCore
import Crypto
import CryptoExtras
import Foundation

/// Writes a PSKC file the way a token vendor ships one: every secret AES-128-CBC encrypted under a
/// pre-shared key, with an HMAC-SHA1 value MAC under a MAC key that is itself encrypted.
enum PSKCFileWriter {
    static func write(tokens count: Int, preSharedKey: [UInt8], to file: URL) throws {
        let key = SymmetricKey(data: preSharedKey)
        let macKey = SecureRandom.bytes(20)
        func encrypted(_ plaintext: [UInt8]) throws -> [UInt8] {
            let iv = SecureRandom.bytes(16)
            return iv + Array(try AES._CBC.encrypt(plaintext, using: key, iv: try AES._CBC.IV(ivBytes: iv)))
        }
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"
                xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
              <EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>
              <MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
                <MACKey>
                  <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
                  <xenc:CipherData><xenc:CipherValue>\(Data(try encrypted(macKey)).base64EncodedString())</xenc:CipherValue></xenc:CipherData>
                </MACKey>
              </MACMethod>

            """
        let handle = try FileHandle(
            forWritingTo: {
                FileManager.default.createFile(atPath: file.path, contents: nil); return file
            }())
        defer { try? handle.close() }
        for index in 0..<count {
            let cipherValue = try encrypted(SecureRandom.bytes(20))
            let mac = Data(HMAC<Insecure.SHA1>.authenticationCode(for: cipherValue, using: SymmetricKey(data: macKey)))
            xml += """
                  <KeyPackage>
                    <DeviceInfo><Manufacturer>Acme</Manufacturer><SerialNo>ACME\(String(format: "%08d", index))</SerialNo></DeviceInfo>
                    <Key Id="\(index)" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
                      <AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
                      <Data>
                        <Secret>
                          <EncryptedValue>
                            <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
                            <xenc:CipherData><xenc:CipherValue>\(Data(cipherValue).base64EncodedString())</xenc:CipherValue></xenc:CipherData>
                          </EncryptedValue>
                          <ValueMAC>\(mac.base64EncodedString())</ValueMAC>
                        </Secret>
                        <TimeInterval><PlainValue>30</PlainValue></TimeInterval>
                      </Data>
                    </Key>
                  </KeyPackage>

                """
            if xml.utf8.count > 1_000_000 {
                try handle.write(contentsOf: Data(xml.utf8))
                xml = ""
            }
        }
        xml += "</KeyContainer>\n"
        try handle.write(contentsOf: Data(xml.utf8))
    }
}
