import CRabbitMQ

extension OutgoingMessage {
    /// Why rabbitmq-c cannot put this message into frames of `frameMax` bytes (headers or
    /// a property too large, a name over 255 bytes), or nil when it can. Lets a caller
    /// trim a message before publishing it, rather than have it refused as `.unencodable`.
    public func encodingProblem(frameMax: Int = AMQPConfiguration.defaultFrameMax) -> String? {
        let arena = CArena()
        var properties = ConnectionLoop.cProperties(self.properties, arena: arena)
        return ConnectionLoop.encodingProblem(self, properties: &properties, frameMax: frameMax)
    }
}
