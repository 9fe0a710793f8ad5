using System.Text;
using LLMKube.Grains.Api;

namespace LLMKube.Grains.Tests.Api;

public sealed class SecretTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Values_DecodeData_StringDataWins_AndValuesAreTrimmed()
    {
        var secret = new Secret
        {
            Data = new() { ["a"] = B64("from-data\n"), ["b"] = B64("shadowed") },
            StringData = new() { ["b"] = "  plain  " },
        };

        var values = secret.Values();

        Assert.Equal("from-data", values["a"]);
        Assert.Equal("plain", values["b"]);
    }

    [Fact]
    public void Values_DataThatIsNotBase64_CountsAsMissing()
    {
        var secret = new Secret { Data = new() { ["k"] = "%%% not base64" } };

        Assert.False(secret.Values().ContainsKey("k"));
    }
}
