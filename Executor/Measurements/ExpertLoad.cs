namespace ScalePlanner.Executor.Measurements;

/// <summary>
/// The router's observability over a run: token-expert assignments routed to each expert, per MoE layer, summed over all steps
/// (warm-up included) and all ranks, and the measured load imbalance: the busiest expert's tokens over the mean per expert (1 =
/// even; E = every token on one expert), the figure the cost model takes as model.moe.loadImbalance (Simulator's MoeSpec).
/// </summary>
public sealed record ExpertLoad(IReadOnlyList<IReadOnlyList<long>> TokensPerExpert)
{
    /// <summary>Per MoE layer: its busiest expert's tokens over its mean tokens per expert.</summary>
    public IReadOnlyList<double> ImbalancePerLayer => [.. TokensPerExpert.Select(LayerImbalance)];

    /// <summary>The mean of <see cref="ImbalancePerLayer"/>: every MoE layer's expert GEMMs wait for its busiest expert.</summary>
    public double Imbalance => ImbalancePerLayer.Count == 0 ? 1 : ImbalancePerLayer.Average();

    private static double LayerImbalance(IReadOnlyList<long> tokens) => tokens.Sum() == 0 ? 1 : tokens.Max() / tokens.Average();

    /// <summary>One line for the console: the imbalance and each layer's histogram.</summary>
    public string Describe() =>
        $"router: measured load imbalance {Imbalance:F3} (busiest expert's tokens over the mean, averaged over {TokensPerExpert.Count} MoE layers); tokens per expert: " +
        string.Join("; ", TokensPerExpert.Select((layer, l) => $"layer {l}: {string.Join(" ", layer)} ({ImbalancePerLayer[l]:F3})"));
}
