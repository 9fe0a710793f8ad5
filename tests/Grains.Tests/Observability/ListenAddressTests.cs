using System.Net;
using LLMKube.Grains.Observability;

namespace LLMKube.Grains.Tests.Observability;

public sealed class ListenAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9090", "127.0.0.1", false, 9090)]
    [InlineData("http://0.0.0.0:8080/", "0.0.0.0", false, 8080)]
    [InlineData("http://[::1]:9090", "::1", false, 9090)]
    [InlineData("http://*:9090", null, false, 9090)]
    [InlineData("http://+:9090", null, false, 9090)]
    [InlineData("HTTP://localhost:9090", null, true, 9090)]
    [InlineData("http://127.0.0.1:0", "127.0.0.1", false, 0)]
    public void ParseList_TakesTheAddressesKestrelTakes(string url, string? ip, bool localhost, int port)
    {
        var (addresses, problems) = ListenAddress.ParseList(url, "urls");
        Assert.Empty(problems);
        var address = Assert.Single(addresses);
        Assert.Equal((ip is null ? null : IPAddress.Parse(ip), localhost, port), (address.Address, address.Localhost, address.Port));
    }

    [Theory]
    [InlineData("https://127.0.0.1:9090")]
    [InlineData("http://example.com:9090")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:99999")]
    [InlineData("http://localhost:0")]
    [InlineData("http://127.0.0.1:9090/metrics")]
    [InlineData("127.0.0.1:9090")]
    public void ParseList_RefusesWhatItCannotBind_NamingTheSetting(string url)
    {
        var (addresses, problems) = ListenAddress.ParseList(url, "Admin:Urls (--admin-urls)");
        Assert.Empty(addresses);
        Assert.Equal($"Admin:Urls (--admin-urls): \"{url}\" is not an address to listen on; use http://<ip, localhost or *>:<port>", Assert.Single(problems));
    }

    [Fact]
    public void ParseList_SplitsOnSemicolons_AndRefusesAnEmptyList()
    {
        var (addresses, problems) = ListenAddress.ParseList("http://127.0.0.1:8080; http://[::1]:8080", "urls");
        Assert.Empty(problems);
        Assert.Equal(["http://127.0.0.1:8080", "http://[::1]:8080"], addresses.Select(a => a.ToString()));
        Assert.Equal("urls is empty; use http://<ip, localhost or *>:<port>", Assert.Single(ListenAddress.ParseList(" ; ", "urls").Problems));
    }
}
