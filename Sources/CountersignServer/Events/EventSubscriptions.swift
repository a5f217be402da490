/// Who listens to which event. This is the only place that says what an event sets off, so a new
/// effect of a commit is added here, never by hand in a route or a use case.
enum EventSubscriptions {
    static func attach(
        to events: EventStream, caches: RequestCaches, push: PushClients, wakeUps: WakeUps,
        radiusClients: RadiusClientDirectory
    ) {
        events.subscribe { event in
            switch event {
            case .activationChanged(let ended):
                // The new activation has its own key and provider, and the provider its own push
                // credentials; the ended sign-ins' waiters learn they failed; the superseded apps'
                // rows are brought in line in the background.
                caches.forgetActivation()
                await push.invalidate()
                await wakeUps.signal(ended + [SupersededDeviceSweeper.wakeUpKey])
            case .pushCredentialsChanged:
                await push.invalidate()
            case .clientDeleted:
                caches.forgetClientKeys()
            case .pushQueued:
                await wakeUps.signal([WakeUps.outbox])
            case .signInDecided(let transaction):
                // Long-polls get the committed outcome with the wake-up, without reading it again.
                await wakeUps.signal(decided: transaction)
            case .signInsChanged(let ids):
                await wakeUps.signal(ids)
            case .deviceRemoved(let id):
                caches.forgetDevicePublicKey(id: id)
            case .radiusClientsChanged:
                radiusClients.forget()
            }
        }
    }

    /// With several nodes: everything this node publishes also goes to the others (and what they
    /// publish comes in through `ClusterEvents`, which does not send it back out). A queued push
    /// stays local: this node's own dispatcher sends it, and another node's takes it over only
    /// when its lease runs out.
    static func attachRelay(to events: EventStream, relay: ClusterEvents) {
        events.subscribe { event in
            if case .pushQueued = event { return }
            await relay.send(event)
        }
    }
}
