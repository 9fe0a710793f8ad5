namespace LLMKube.Grains.Routing;

/// <summary>
/// A credential the silo read from a Secret, carried to gateways in the routing snapshot (grain calls carry the
/// cluster token and stay inside the cluster network). Its <see cref="ToString"/> never shows the value, so a
/// logged config or record cannot leak it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class SecretValue(string value)
{
    [Id(0)] private readonly string _value = value;

    /// <summary>The credential itself: pass it only to the upstream request.</summary>
    public string Reveal() => _value;

    public override string ToString() => "(redacted)";

    public override bool Equals(object? obj) => obj is SecretValue other && string.Equals(_value, other._value, StringComparison.Ordinal);

    public override int GetHashCode() => _value.GetHashCode(StringComparison.Ordinal);
}
