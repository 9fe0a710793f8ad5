using System.ClientModel;
using System.Text;
using LLMKube.Gateway.Mock;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace LLMKube.Gateway.Tests.Mock;

/// <summary>The official OpenAI .NET SDK against a standalone gateway whose backend is the mock.</summary>
public sealed class MockSdkTests(MockGateway gateway) : IClassFixture<MockGateway>
{
    private OpenAIClient Client => new(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(gateway.Host.BaseAddress, "/v1") });

    [Fact]
    public async Task Chat_ReturnsTheMockAnswer_WithUsage()
    {
        ChatCompletion reply = await Client.GetChatClient("local").CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal("Mock answer to \"Say hello\".", reply.Content[0].Text);
        Assert.Equal("echo-model", reply.Model);
        Assert.Equal(ChatFinishReason.Stop, reply.FinishReason);
        Assert.Equal(3, reply.Usage.InputTokenCount);
        Assert.Equal(7, reply.Usage.OutputTokenCount);
        Assert.Equal(10, reply.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task ChatStreaming_ArrivesPieceByPiece_AndEndsWithUsage()
    {
        var text = new StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Client.GetChatClient("local").CompleteChatStreamingAsync([new UserChatMessage("Count to five")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal("Mock answer to \"Count to five\".", text.ToString());
        Assert.True(updates >= 6, $"{updates} updates");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(4, usage.InputTokenCount);
        Assert.Equal(8, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Embeddings_DecodeToTheMocksVectors()
    {
        var client = Client.GetEmbeddingClient("embed");

        OpenAIEmbedding single = await client.GenerateEmbeddingAsync("hello");
        OpenAIEmbeddingCollection many = await client.GenerateEmbeddingsAsync(["hello", "world"], new EmbeddingGenerationOptions { Dimensions = 8 });

        Assert.Equal(MockEmbeddings.Vector("hello", MockPrompt.DefaultDimensions), single.ToFloats().ToArray());
        Assert.Equal(2, many.Count);
        Assert.Equal(MockEmbeddings.Vector("world", 8), many[1].ToFloats().ToArray());
        Assert.Equal(4, many.Usage.InputTokenCount);
    }
}
