import Foundation

/// What the command line prints goes to standard output as it is printed, a write per call, also
/// when standard output is a file or a pipe: `countersign auth … > file` shows the number while the
/// command still waits for the phone. (Swift's own `print` buffers a whole block for a file or a
/// pipe, until the buffer fills or the process exits.) Within this module it stands in for it.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    FileHandle.standardOutput.write(Data(text.utf8))
}
