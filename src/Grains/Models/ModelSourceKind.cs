namespace LLMKube.Grains.Models;

/// <summary>What kind of place <c>Model.spec.source</c> names.</summary>
public enum ModelSourceKind
{
    /// <summary>The source is missing or in a form we do not support; <see cref="ModelSource.Error"/> says why.</summary>
    Unsupported,

    /// <summary>One file at an <c>http(s)://</c> URL, downloaded by the serving pod.</summary>
    Http,

    /// <summary>A Hugging Face repo (<c>hf://org/repo[@rev]</c>, <c>org/repo[@rev]</c> or its huggingface.co page), pulled by the runtime itself.</summary>
    HuggingFaceRepo,

    /// <summary>A path inside a PersistentVolumeClaim of the Model's namespace (<c>pvc://claim/path</c>).</summary>
    Pvc,

    /// <summary>An absolute path on the node (or the Mac, for <c>metal</c>): <c>/path</c> or <c>file:///path</c>.</summary>
    HostPath,
}
