namespace LLMKube.Grains.Api.Schema;

/// <summary>A CEL rule (<c>x-kubernetes-validations</c>) the API server checks on the annotated type or property.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
}
