/// The release both executables report with `--version`.
public enum CountersignVersion {
    public static let current = "0.7.0"
}
