import Foundation
import NotificationDomain

extension AlertTemplates {
    /// The templates in `directory` (`NOTIFICATION_TEMPLATES_DIR`), each missing file
    /// replaced by its built-in one; the built-in set when the directory does not exist.
    ///
    /// - Throws: `AlertTemplateError` when a file cannot be read or does not parse: a
    ///   broken edit must stop the service at start, not at the first alert.
    static func load(directory: String) throws(AlertTemplateError) -> AlertTemplates {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return try builtIn()
        }
        var texts = builtInTexts
        for name in builtInTexts.keys {
            let path = (directory as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw AlertTemplateError(template: name, problem: "cannot be read as UTF-8")
            }
            texts[name] = text
        }
        return try AlertTemplates(texts: texts, source: directory)
    }
}
