using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor;

/// <summary>Models small enough to train in a test in a second or two.</summary>
public static class TinyModels
{
    /// <summary>Two blocks of width 64 over a 32-token vocabulary, 32-token sequences.</summary>
    public static readonly ModelSpec Gpt = new()
    {
        Name = "tiny", Layers = 2, Hidden = 64, Heads = 4, KvHeads = 4, FfnHidden = 256, Vocab = 32, SequenceLength = 32,
        GatedMlp = false, Biases = true, TiedEmbeddings = true, Norm = NormKind.LayerNorm, Positions = PositionEmbedding.Learned,
    };
}
