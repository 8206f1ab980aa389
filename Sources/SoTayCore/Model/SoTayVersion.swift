/// The release of Sổ Tay this binary is, for `sotay --version` and bug reports.
public enum SoTayVersion {
    public static let current = "0.9.0"
}
