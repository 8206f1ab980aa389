import SoTayCore

/// The one folding function, under a short name for the terminal code.
typealias Folding = VietnameseFolding
