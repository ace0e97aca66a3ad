namespace ScalePlanner.Simulator.Specs;

/// <summary>Published model shapes. Sources: GPT-2 (Radford et al. 2019, HF configs), GPT-3 (Brown et al. 2020, Table 2.1),
/// Megatron SC21 Table 1 (Narayanan et al. 2021), Llama 2 (Touvron et al. 2023, Table 1 + HF configs), Llama 3 (Dubey et al. 2024, Table 3).</summary>
public static class ModelPresets
{
    private static ModelSpec Gpt(string name, int layers, int hidden, int heads, int vocab, int seq) => new()
    {
        Name = name, Layers = layers, Hidden = hidden, Heads = heads, KvHeads = heads, FfnHidden = 4 * hidden,
        GatedMlp = false, Vocab = vocab, SequenceLength = seq, TiedEmbeddings = true, Biases = true,
        Norm = NormKind.LayerNorm, Positions = PositionEmbedding.Learned, Dropout = true,
    };

    private static ModelSpec Llama(string name, int layers, int hidden, int heads, int kvHeads, int ffn, int vocab, int seq) => new()
    {
        Name = name, Layers = layers, Hidden = hidden, Heads = heads, KvHeads = kvHeads, FfnHidden = ffn,
        GatedMlp = true, Vocab = vocab, SequenceLength = seq, TiedEmbeddings = false, Biases = false,
        Norm = NormKind.RmsNorm, Positions = PositionEmbedding.Rotary, Dropout = false,
    };

    // Megatron GPT (Narayanan et al. SC21, Table 1): vocabulary 51,200, sequence 2,048, tied embeddings.
    private static ModelSpec Megatron(string name, int layers, int hidden, int heads) => Gpt(name, layers, hidden, heads, 51200, 2048);

    public static readonly IReadOnlyDictionary<string, ModelSpec> All = new[]
    {
        Gpt("gpt2-small", 12, 768, 12, 50257, 1024),
        Gpt("gpt2-medium", 24, 1024, 16, 50257, 1024),
        Gpt("gpt2-large", 36, 1280, 20, 50257, 1024),
        Gpt("gpt2-xl", 48, 1600, 25, 50257, 1024),
        Gpt("gpt3-175b", 96, 12288, 96, 50257, 2048),
        Megatron("megatron-1.7b", 24, 2304, 24),
        Megatron("megatron-3.6b", 30, 3072, 32),
        Megatron("megatron-7.5b", 36, 4096, 32),
        Megatron("megatron-18b", 40, 6144, 48),
        Megatron("megatron-39b", 48, 8192, 64),
        Megatron("megatron-76b", 60, 10240, 80),
        Megatron("megatron-146b", 80, 12288, 96),
        Megatron("megatron-310b", 96, 16384, 128),
        Megatron("megatron-530b", 105, 20480, 128),
        Megatron("megatron-1t", 128, 25600, 160),
        Llama("llama2-7b", 32, 4096, 32, 32, 11008, 32000, 4096),
        Llama("llama2-13b", 40, 5120, 40, 40, 13824, 32000, 4096),
        Llama("llama2-70b", 80, 8192, 64, 8, 28672, 32000, 4096),
        Llama("llama3-8b", 32, 4096, 32, 8, 14336, 128256, 8192),
        Llama("llama3-70b", 80, 8192, 64, 8, 28672, 128256, 8192),
        Llama("llama3-405b", 126, 16384, 128, 8, 53248, 128256, 8192),
    }.Concat(MoePresets.All).ToDictionary(m => m.Name);

    public static ModelSpec Get(string key) =>
        All.TryGetValue(key, out var spec)
            ? spec
            : throw new SpecException("model.preset", $"unknown preset '{key}'; allowed: {string.Join(' ', All.Keys)}");
}
