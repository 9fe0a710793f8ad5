namespace LLMKube.Gateway.Tests.Accounting;

/// <summary>The accounting gateway with <c>Gateway:RequestStreamUsage=false</c>: streams are forwarded as the client sent them.</summary>
public sealed class NoStreamUsageGateway : AccountingGateway
{
    protected override IDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Gateway:RequestStreamUsage"] = "false" };
}
