namespace LLMKube.Grains.Kubernetes;

/// <summary>A custom resource kind we write as unstructured JSON (another project's CRD, whose types we do not import).</summary>
[GenerateSerializer, Immutable]
public sealed record ResourceKind(
    [property: Id(0)] string Group,
    [property: Id(1)] string Version,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Plural)
{
    public string ApiVersion => $"{Group}/{Version}";

    /// <summary><c>Kind (group/version)</c>, as messages name it.</summary>
    public override string ToString() => $"{Kind} ({ApiVersion})";
}
