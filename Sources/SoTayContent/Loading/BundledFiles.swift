import SoTayCore

extension ContentPack {
    /// Every file of the bundled library (path relative to `content/`, text): what a signed
    /// pack's files are compared with (`sotay content diff`), whatever way they are embedded.
    public static var bundledFiles: [(path: String, text: String)] {
        BundledContentFiles.files
    }
}
