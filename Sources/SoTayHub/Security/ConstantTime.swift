/// Compares two byte sequences in time that depends only on their lengths, never on where
/// they first differ: a caller timing many guesses learns nothing about the stored hash.
///
/// Lengths are not secret here (every hash the hub compares is 32 bytes), so a length
/// mismatch answers at once.
public func constantTimeEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) {
        difference |= left ^ right
    }
    return difference == 0
}
