namespace LLMKube.Grains.Models;

/// <summary>How far <see cref="GgufHeader.Read"/> got with the bytes it was given.</summary>
public enum GgufReadStatus
{
    /// <summary>Every key/value pair was read (or every key we report was found).</summary>
    Complete,

    /// <summary>The bytes ended inside the header: the metadata holds what came before; more bytes may give more.</summary>
    NeedMoreData,

    /// <summary>Not a GGUF file we can read, or a header breaking a bound; <see cref="GgufReadResult.Error"/> says which.</summary>
    Invalid,
}
