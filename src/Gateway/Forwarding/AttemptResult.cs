using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>An attempt's classification: what the loop does, what the audit says, what the breaker learns.</summary>
internal readonly record struct AttemptResult(AttemptKind Kind, string Outcome, AttemptVerdict Verdict, string? Error)
{
    /// <summary>True when no other candidate is tried after this one.</summary>
    public bool IsFinal => Kind is AttemptKind.Relayed or AttemptKind.ClientCanceled or AttemptKind.ShuttingDown;
}
