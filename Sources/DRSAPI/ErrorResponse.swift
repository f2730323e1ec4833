import DRSDomain
import DRSStorage
import HTTPTypes
import Hummingbird
import NIOCore

extension APIError {
    /// The API error a thrown error stands for. Anything unexpected is a 500 that says nothing more.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case is NIOTooManyBytesError: return APIError(.entityTooLarge)
        case let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed:
            return APIError(.notFound)
        case let error as HTTPError where error.status == .contentTooLarge: return APIError(.entityTooLarge)
        case StoreError.unavailable: return APIError(.serviceUnavailable)
        // A request cancelled because the server is stopping (`--shutdown-timeout`).
        case is CancellationError: return APIError(.serviceUnavailable)
        default: return APIError(.internalError)
        }
    }

    /// `{"error_code": …, "error_msg": …}`, plus `request_id` for gateway-level (`APIGW.*`) errors.
    func response(language: Language, requestID: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeStaticString("{\"error_code\":")
        buffer.writeJSONString(code)
        buffer.writeStaticString(",\"error_msg\":")
        buffer.writeJSONString(message(in: language))
        if isGatewayError {
            buffer.writeStaticString(",\"request_id\":")
            buffer.writeJSONString(requestID)
        }
        buffer.writeInteger(UInt8(ascii: "}"))
        return Response(
            status: HTTPResponse.Status(code: httpStatus),
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: buffer)
        )
    }
}
