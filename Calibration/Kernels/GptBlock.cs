using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

/// <summary>
/// A pre-norm GPT block as the cost model counts it: LayerNorm → QKV → causal attention (scores, additive mask, softmax,
/// weighted sum) → projection → residual; LayerNorm → MLP (4h, GeLU) → residual. No dropout. Field names follow PyTorch.
/// </summary>
public sealed class GptBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm ln_1, ln_2;
    private readonly Linear c_attn, c_proj, c_fc, mlp_proj;
    private readonly int heads;
    private readonly Tensor mask;

    public GptBlock(int hidden, int heads, int sequence, Device device, ScalarType type) : base(nameof(GptBlock))
    {
        this.heads = heads;
        ln_1 = nn.LayerNorm(hidden);
        c_attn = nn.Linear(hidden, 3 * hidden);
        c_proj = nn.Linear(hidden, hidden);
        ln_2 = nn.LayerNorm(hidden);
        c_fc = nn.Linear(hidden, 4 * hidden);
        mlp_proj = nn.Linear(4 * hidden, hidden);
        mask = full(sequence, sequence, float.NegativeInfinity, dtype: type, device: device).triu(1);
        RegisterComponents();
        this.to(type).to(device);
    }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], s = x.shape[1], h = x.shape[2], d = h / heads;
        var qkv = c_attn.forward(ln_1.forward(x)).view(b, s, 3, heads, d).permute(2, 0, 3, 1, 4); // (3, B, nh, T, hs)
        var attention = CausalAttention(qkv[0], qkv[1], qkv[2], mask).transpose(1, 2).reshape(b, s, h); // (B, T, C)
        x = x + c_proj.forward(attention);
        return x + mlp_proj.forward(nn.functional.gelu(c_fc.forward(ln_2.forward(x))));
    }

    /// <summary>softmax(q·kᵀ/√d + causal mask)·v on (B, nh, T, hs) tensors (Vaswani et al. 2017, eq. 1).</summary>
    public static Tensor CausalAttention(Tensor q, Tensor k, Tensor v, Tensor mask)
    {
        var probabilities = (q * (1.0 / Math.Sqrt(q.shape[^1]))).matmul(k.transpose(-2, -1)).add(mask).softmax(-1); // (B, nh, T, T)
        return probabilities.matmul(v);                                                                           // (B, nh, T, hs)
    }
}
