#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Passes a list of optional strings to C as an array of `const char *` (NULL for `nil`),
/// with a terminating NULL entry so it also suits libpq's keyword/value lists.
enum CStringArray {
    static func with<Result>(
        _ strings: [String?],
        _ body: ([UnsafePointer<CChar>?]) throws -> Result
    ) rethrows -> Result {
        let copies: [UnsafeMutablePointer<CChar>?] = strings.map { string in
            string.flatMap { strdup($0) }
        }
        defer {
            for copy in copies {
                free(copy)
            }
        }
        var pointers = copies.map { $0.map { UnsafePointer($0) } }
        pointers.append(nil)
        return try body(pointers)
    }
}
