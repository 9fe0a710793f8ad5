namespace LLMKube.Silo.Kubernetes;

/// <summary>
/// Turns changes in the watch cache into observations for the grains of one of our kinds. Each dispatcher names the
/// kinds it needs watched; the control plane watches their union and tells every dispatcher that declared a kind.
/// </summary>
public interface IWatchDispatcher
{
    /// <summary>The kinds whose changes this dispatcher reacts to (and reads from the cache).</summary>
    IReadOnlyList<WatchedKind> Watches { get; }

    /// <summary>
    /// Objects of <paramref name="plural"/> changed: after a relist, <paramref name="keys"/> holds every listed and
    /// every vanished object; after a watch event, the one object. An object no longer in the cache was deleted.
    /// Calls are serialized: a dispatcher never runs twice at once.
    /// </summary>
    Task DispatchAsync(WatchCache cache, string plural, IReadOnlyCollection<string> keys);
}
