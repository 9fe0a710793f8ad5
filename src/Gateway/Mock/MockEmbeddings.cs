using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LLMKube.Gateway.Mock;

/// <summary>
/// Deterministic embeddings: each vector is derived from SHA-256 of its input text (counter mode),
/// scaled to [-1, 1] and normalized to length 1. The same text always gives the same vector;
/// different texts give unrelated ones. Meaningless for similarity, exact for tests.
/// </summary>
internal static class MockEmbeddings
{
    /// <summary>The unit vector of <paramref name="text"/> with <paramref name="dimensions"/> components.</summary>
    public static float[] Vector(string text, int dimensions)
    {
        var seed = Encoding.UTF8.GetBytes(text);
        var block = new byte[seed.Length + sizeof(int)];
        seed.CopyTo(block, 0);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            // Eight components per hash: block k is the text followed by k, little-endian.
            if (i % 8 == 0)
            {
                BinaryPrimitives.WriteInt32LittleEndian(block.AsSpan(seed.Length), i / 8);
                SHA256.HashData(block, hash);
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(hash[(i % 8 * 4)..]);
            vector[i] = (float)(bits / (double)uint.MaxValue * 2 - 1);
            norm += vector[i] * (double)vector[i];
        }

        var scale = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
        for (var i = 0; i < dimensions; i++) vector[i] = (float)(vector[i] * scale);
        return vector;
    }

    /// <summary>The OpenAI <c>list</c> of embeddings for <paramref name="prompt"/>'s inputs.</summary>
    public static byte[] List(MockPrompt prompt) => MockJson.Write(prompt, static (w, p) =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        for (var i = 0; i < p.Inputs.Count; i++)
        {
            var vector = Vector(p.Inputs[i], p.Dimensions);
            w.WriteStartObject();
            w.WriteString("object", "embedding");
            w.WriteNumber("index", i);
            if (p.Base64)
            {
                w.WriteString("embedding", Convert.ToBase64String(LittleEndian(vector)));
            }
            else
            {
                w.WriteStartArray("embedding");
                foreach (var x in vector) w.WriteNumberValue(x);
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("model", p.Model);
        MockJson.WriteUsage(w, p.PromptTokens, 0);
        w.WriteEndObject();
    });

    // encoding_format=base64 is the raw float32 array, little-endian, as the OpenAI API sends it.
    private static byte[] LittleEndian(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }
}
