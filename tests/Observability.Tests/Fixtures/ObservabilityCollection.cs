namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>The collection of tests that share an <see cref="ObservabilityFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ObservabilityCollection : ICollectionFixture<ObservabilityFixture>
{
    public const string Name = "observability";
}
