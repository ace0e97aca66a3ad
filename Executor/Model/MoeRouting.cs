using static TorchSharp.torch;

namespace ScalePlanner.Executor.Model;

/// <summary>
/// What a model's mixture-of-experts layers share with the loop that trains them: the gradient the auxiliary load-balancing loss
/// gets (the scale the language-model loss has before backward: 1 / micro-batches, times the fp16 loss scale; Megatron-Core's
/// MoEAuxLossAutoScaler.set_loss_scale), and the router's observability: tokens routed to each expert, per MoE layer, counted
/// on the rank where the tokens were routed (so sums over ranks count each token once). Counted only while autograd records
/// (a training forward, or the recomputation of a block under full recomputation, whose first forward runs without it), so
/// every routed token counts once.
/// </summary>
public sealed class MoeRouting(int moeLayers, int experts)
{
    private readonly long[,] tokens = new long[moeLayers, experts];

    /// <summary>The gradient of the auxiliary loss in backward, as the main loss's: 1 / micro-batches × loss scale.</summary>
    public double AuxLossScale { get; set; } = 1;

    public int MoeLayers { get; } = moeLayers;
    public int Experts { get; } = experts;

    /// <summary>Adds the tokens (token-expert assignments) MoE layer <paramref name="layer"/> routed to each expert.</summary>
    public void Record(int layer, ReadOnlySpan<long> perExpert)
    {
        if (!is_grad_enabled()) return;
        for (int e = 0; e < Experts; e++) tokens[layer, e] += perExpert[e];
    }

    /// <summary>Tokens routed to each expert so far, per MoE layer: [layer][expert].</summary>
    public long[][] Histogram() =>
        [.. Enumerable.Range(0, MoeLayers).Select(l => Enumerable.Range(0, Experts).Select(e => tokens[l, e]).ToArray())];
}
