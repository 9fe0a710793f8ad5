using LLMKube.Grains.Api;

namespace LLMKube.Grains.Tests.Api;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("team/edge", "team", "edge")]
    [InlineData("edge", "default", "edge")]
    public void TryParse_NamespaceAndName_OrDefaultNamespace(string text, string ns, string name)
    {
        Assert.True(ObjectKey.TryParse(text, out var key));
        Assert.Equal(ns, key.Namespace);
        Assert.Equal(name, key.Name);
        Assert.Equal($"{ns}/{name}", key.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("/edge")]
    [InlineData("team/")]
    [InlineData("a/b/c")]
    public void TryParse_Malformed_IsRefused(string text)
    {
        Assert.False(ObjectKey.TryParse(text, out _));
        Assert.Throws<FormatException>(() => ObjectKey.Parse(text));
    }

    [Fact]
    public void EmptyNamespace_IsDefault_AndKeysCompareByValue()
    {
        Assert.Equal(new ObjectKey("default", "r"), new ObjectKey(null, "r"));
        Assert.Equal(new ObjectKey("", "r"), new ObjectKey("default", "r"));
        Assert.NotEqual(new ObjectKey("a", "r"), new ObjectKey("b", "r"));
    }
}
