/// The bytes libcurl reads for an upload, with a cursor; handed to the read callback as
/// its user pointer and used on the transfer's thread only.
final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }
}
