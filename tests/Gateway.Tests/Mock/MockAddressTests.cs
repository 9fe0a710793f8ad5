using LLMKube.Gateway.Mock;
using LLMKube.Grains.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>A mock address and the endpoint path come back apart from the URI the forwarder builds.</summary>
public sealed class MockAddressTests
{
    [Theory]
    [InlineData("http://mock.llmkube.invalid", "", "")]
    [InlineData("http://mock.llmkube.invalid", "?status=500", "")]
    [InlineData("http://mock.llmkube.invalid?status=503", "", "status=503")]
    [InlineData("http://mock.llmkube.invalid/?latencyMs=5&chunks=2", "", "latencyMs=5&chunks=2")]
    [InlineData("http://mock.llmkube.invalid?status=503", "?api-version=1", "status=503")]
    public void Split_TheUriYarpBuilds_GivesOptionsAndPath(string address, string inboundQuery, string options)
    {
        // The same composition the forwarder uses for every attempt: prefix + path + query, as text.
        var uri = RequestUtilities.MakeDestinationAddress(address, new PathString("/v1/chat/completions"), new QueryString(inboundQuery.Length > 0 ? inboundQuery : null));

        Assert.True(MockOptions.IsMockHost(uri));
        Assert.Equal((options, "/v1/chat/completions"), MockAddress.Split(uri));
    }

    [Fact]
    public void Split_TheClientsQuery_IsNeverOptions()
        => Assert.Equal(("", "/v1/embeddings"), MockAddress.Split(new Uri("http://mock.llmkube.invalid/v1/embeddings?status=500")));

    [Fact]
    public void IsMockHost_OtherHosts_AreNot()
    {
        Assert.False(MockOptions.IsMockHost(new Uri("http://127.0.0.1:8081/v1/chat/completions")));
        Assert.False(MockOptions.IsMockHost(new Uri("http://mock.llmkube.invalid.example.com/")));
    }
}
