import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SoTayWire

/// Signed content packs for the laptops (`sync/PROTOCOL.md`, "Content packs"): what is on
/// offer, and the pack's bytes with `Range`, so a cut download goes on where it stopped.
struct ContentRoutes {
    let shelf: ContentShelf

    func register(device: RouterGroup<HubRequestContext>, recorder: RouteRecorder) {
        recorder.on(device, .get, "content", offer)
        recorder.on(device, .get, "content/packs/:version", pack)
    }

    @Sendable func offer(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try context.requireDevice()
        return try JSONResponse.make(ContentOffer(pack: shelf.packs().last))
    }

    @Sendable func pack(_ request: Request, context: HubRequestContext) async throws -> Response {
        _ = try context.requireDevice()
        guard let version = context.parameters.get("version").flatMap({ Int($0) }), let url = shelf.url(version: version),
              let data = FileManager.default.contents(atPath: url.path)
        else { throw Refusal(404, .notFound, "No such content pack on this hub.") }
        var headers: HTTPFields = [.contentType: "application/octet-stream", .acceptRanges: "bytes"]
        guard let range = request.headers[.range] else {
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        // Only the one form a resuming laptop sends: `bytes=START-` or `bytes=START-END`.
        guard range.hasPrefix("bytes="), let bounds = Self.bounds(String(range.dropFirst("bytes=".count)), size: data.count) else {
            headers[.contentRange] = "bytes */\(data.count)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentRange] = "bytes \(bounds.lowerBound)-\(bounds.upperBound)/\(data.count)"
        return Response(status: .partialContent, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data[bounds])))
    }

    static func bounds(_ text: String, size: Int) -> ClosedRange<Int>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int(parts[0]), start >= 0, start < size else { return nil }
        let end = parts[1].isEmpty ? size - 1 : Int(parts[1]).map { min($0, size - 1) }
        guard let end, end >= start else { return nil }
        return start...end
    }
}
