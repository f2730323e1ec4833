// The benchmark's ceiling (`scripts/bench`): the same HTTP stack and build settings as `drs serve`, with no work
// behind it. Every `POST /v3/{project_id}/jobs` reads the request body and answers with the bytes of one file, so
// the benchmark can tell how close `drs` gets to what the stack can do at all for an answer of that size.
//
//   drs-ceiling <port> <body-file>
import Foundation
import Hummingbird
import NIOCore

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let body = FileManager.default.contents(atPath: arguments[2]) else {
    FileHandle.standardError.write(Data("usage: drs-ceiling <port> <body-file>\n".utf8))
    exit(64)
}
let answer = ByteBuffer(bytes: body)
let router = Router()
router.post("/v3/:project_id/jobs") { request, _ -> Response in
    _ = try await request.body.collect(upTo: 1 << 20)
    return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: answer))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil))
try await app.runService()
