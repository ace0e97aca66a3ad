namespace ScalePlanner.Simulator.Specs;

/// <summary>
/// Mixture-of-experts models from their published configurations (the owner's config.json or code; commits in
/// docs/scenarios.md). All are Llama-style decoders (RMSNorm, rotary positions, SwiGLU or GeGLU experts) unless said.
/// </summary>
public static class MoePresets
{
    private static ModelSpec Decoder(string name, int layers, int hidden, int heads, int kvHeads, int ffn, int vocab, int seq, MoeSpec moe, int headDim = 0) => new()
    {
        Name = name, Layers = layers, Hidden = hidden, Heads = heads, KvHeads = kvHeads, FfnHidden = ffn, HeadDimension = headDim,
        GatedMlp = true, Vocab = vocab, SequenceLength = seq, TiedEmbeddings = false, Biases = false,
        Norm = NormKind.RmsNorm, Positions = PositionEmbedding.Rotary, Dropout = false, Moe = moe,
    };

    public static IEnumerable<ModelSpec> All =>
    [
        // mistralai/Mixtral-8x7B-Instruct-v0.1 config.json (rev eba92302): 32 layers, 4096, 32/8 heads, 8 experts of 14,336, top-2, vocab 32,000.
        Decoder("mixtral-8x7b", 32, 4096, 32, 8, 14336, 32000, 4096, new MoeSpec { Experts = 8, TopK = 2, ExpertFfnHidden = 14336, AuxLossCoefficient = 0.02 }),
        // mistralai/Mixtral-8x22B-Instruct-v0.1: 56 layers, 6144, 48/8 heads, 8 experts of 16,384, top-2, vocab 32,768.
        Decoder("mixtral-8x22b", 56, 6144, 48, 8, 16384, 32768, 4096, new MoeSpec { Experts = 8, TopK = 2, ExpertFfnHidden = 16384, AuxLossCoefficient = 0.001 }),
        // deepseek-ai/DeepSeek-V3 inference/configs/config_671B.json (9b4e978): 61 layers, 7168, 128 MLA heads (q rank 1,536, kv rank 512,
        // nope 128, rope 64, v 128), the first 3 layers dense (18,432), then 256 experts of 2,048, top-8, one shared expert, sigmoid routing
        // with a balancing bias; one multi-token-prediction module; vocab 129,280.
        Decoder("deepseek-v3", 61, 7168, 128, 128, 18432, 129280, 4096,
            new MoeSpec { Experts = 256, TopK = 8, SharedExperts = 1, ExpertFfnHidden = 2048, DenseLayers = 3, Router = RouterKind.SigmoidBias })
            with { Mla = new MlaSpec(1536, 512, 128, 64, 128), MtpLayers = 1 },
        // Qwen3 Technical Report Table 2 and the torchtitan port (b5bcd76): 48 layers, 2048, 32/4 heads of 128, 128 experts of 768, top-8, vocab 151,936.
        Decoder("qwen3-30b-a3b", 48, 2048, 32, 4, 6144, 151936, 4096, new MoeSpec { Experts = 128, TopK = 8, ExpertFfnHidden = 768 }, headDim: 128),
        // Same sources: 94 layers, 4096, 64/4 heads of 128, 128 experts of 1,536, top-8.
        Decoder("qwen3-235b-a22b", 94, 4096, 64, 4, 12288, 151936, 4096, new MoeSpec { Experts = 128, TopK = 8, ExpertFfnHidden = 1536 }, headDim: 128),
        // openai/gpt-oss gpt_oss/torch/model.py ModelConfig (7b58334): 36 layers, 2880, 64/8 heads of 64, 128 experts of 2,880, top-4, biases, vocab 201,088.
        Decoder("gpt-oss-120b", 36, 2880, 64, 8, 2880, 201088, 4096, new MoeSpec { Experts = 128, TopK = 4, ExpertFfnHidden = 2880 }, headDim: 64)
            with { Biases = true },
        // meta-llama/llama-models models/llama4 (a9c89c4) and the HF Llama4TextConfig: 48 layers, 5120, 40/8 heads, 16 experts of 8,192, top-1,
        // a shared expert, every layer MoE, vocab 202,048.
        Decoder("llama4-scout", 48, 5120, 40, 8, 16384, 202048, 8192, new MoeSpec { Experts = 16, TopK = 1, SharedExperts = 1, ExpertFfnHidden = 8192 }),
        // Maverick: 128 experts, MoE on every second layer (interleave_moe_layer_step 2), the dense layers 16,384 wide.
        Decoder("llama4-maverick", 48, 5120, 40, 8, 16384, 202048, 8192, new MoeSpec { Experts = 128, TopK = 1, SharedExperts = 1, ExpertFfnHidden = 8192, LayerStep = 2 }),
        // xai-org/grok-1 run.py (7050ed2): 64 layers, 6144, 48/8 heads of 128, 8 GeGLU experts of 32,768 (widening factor 8), top-2,
        // tied embeddings, vocab 131,072.
        Decoder("grok-1", 64, 6144, 48, 8, 32768, 131072, 8192, new MoeSpec { Experts = 8, TopK = 2, ExpertFfnHidden = 32768 }) with { TiedEmbeddings = true },
    ];
}
