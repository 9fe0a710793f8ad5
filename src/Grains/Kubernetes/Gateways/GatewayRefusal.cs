using LLMKube.Grains.Validation;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>Why a spec cannot be compiled onto the gateway: the condition reason, the offending field and what to do.</summary>
public sealed record GatewayRefusal(string Reason, string Path, string Message)
{
    public FieldError ToFieldError() => new(Path, Message);

    /// <summary><c>path: message</c>, as a condition message or an event note shows it.</summary>
    public override string ToString() => ToFieldError().ToString();
}
