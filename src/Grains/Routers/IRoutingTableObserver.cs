namespace LLMKube.Grains.Routers;

/// <summary>A gateway's callback for routing snapshot pushes (an Orleans grain observer).</summary>
public interface IRoutingTableObserver : IGrainObserver
{
    [OneWay]
    Task OnSnapshot(RoutingSnapshot snapshot);
}
