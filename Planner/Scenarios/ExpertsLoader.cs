using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Scenarios;

/// <summary>
/// The scenario's mixture-of-experts and attention keys: <c>model.moe</c>, <c>model.attention</c> with <c>model.mla</c>. A key
/// given over a preset changes that one setting and keeps the preset's others.
/// </summary>
public static class ExpertsLoader
{
    private static readonly string[] MoeKeys = ["experts", "topK", "sharedExperts", "expertFfnHidden", "denseLayers", "layerStep", "router", "capacityFactor", "auxLossCoefficient", "loadImbalance"];
    private static readonly string[] MlaKeys = ["qLoraRank", "kvLoraRank", "qkNopeHeadDim", "qkRopeHeadDim", "vHeadDim"];

    private static readonly IReadOnlyDictionary<string, RouterKind> Routers = new Dictionary<string, RouterKind>
    {
        ["softmax"] = RouterKind.Softmax, ["sigmoid"] = RouterKind.SigmoidBias,
    };

    private enum AttentionKind { Mha, Gqa, Mla }

    private static readonly IReadOnlyDictionary<string, AttentionKind> Attentions = new Dictionary<string, AttentionKind>
    {
        ["mha"] = AttentionKind.Mha, ["gqa"] = AttentionKind.Gqa, ["mla"] = AttentionKind.Mla,
    };

    /// <summary><c>model.moe</c> over the preset's experts (null when neither has any).</summary>
    public static MoeSpec? Moe(ConfigReader model, MoeSpec? preset)
    {
        if (!model.Has("moe")) return preset;
        var m = model.Section("moe").OnlyKeys(MoeKeys);
        if (preset is null)
        {
            foreach (var key in new[] { "experts", "topK", "expertFfnHidden" })
            {
                if (!m.Has(key)) throw new SpecException($"{m.Path}.{key}", "is required to describe experts the preset does not have");
            }
        }
        var start = preset ?? new MoeSpec();
        double? capacity = m.Double("capacityFactor");
        return start with
        {
            Experts = m.Int("experts") ?? start.Experts,
            TopK = m.Int("topK") ?? start.TopK,
            SharedExperts = m.Int("sharedExperts") ?? start.SharedExperts,
            ExpertFfnHidden = m.Int("expertFfnHidden") ?? start.ExpertFfnHidden,
            DenseLayers = m.Int("denseLayers") ?? start.DenseLayers,
            LayerStep = m.Int("layerStep") ?? start.LayerStep,
            Router = m.Choice("router", Routers) ?? start.Router,
            CapacityFactor = capacity ?? start.CapacityFactor,
            AuxLossCoefficient = m.Double("auxLossCoefficient") ?? start.AuxLossCoefficient,
            LoadImbalance = m.Double("loadImbalance") ?? start.LoadImbalance,
        };
    }

    /// <summary><c>model.attention</c> and <c>model.mla</c> over the preset's attention: mla needs its ranks, mha/gqa drop the preset's latents.</summary>
    public static MlaSpec? Mla(ConfigReader model, MlaSpec? preset)
    {
        var kind = model.Choice("attention", Attentions);
        if (kind is AttentionKind.Mha or AttentionKind.Gqa)
        {
            if (model.Has("mla")) throw new SpecException($"{model.Path}.mla", $"is for attention \"mla\"; model.attention is \"{model.String("attention")}\"");
            return null;
        }
        if (!model.Has("mla"))
        {
            if (kind == AttentionKind.Mla && preset is null)
                throw new SpecException($"{model.Path}.mla", "is required with attention \"mla\" (qLoraRank, kvLoraRank, qkNopeHeadDim, qkRopeHeadDim, vHeadDim)");
            return preset;
        }
        if (kind is null && preset is null) throw new SpecException($"{model.Path}.attention", "must be \"mla\" when model.mla is given");
        var m = model.Section("mla").OnlyKeys(MlaKeys);
        if (preset is null)
        {
            foreach (var key in new[] { "kvLoraRank", "qkNopeHeadDim", "vHeadDim" })
            {
                if (!m.Has(key)) throw new SpecException($"{m.Path}.{key}", "is required with attention \"mla\"");
            }
        }
        var start = preset ?? new MlaSpec(0, 0, 0, 0, 0);
        return new MlaSpec(m.Int("qLoraRank") ?? start.QLoraRank, m.Int("kvLoraRank") ?? start.KvLoraRank, m.Int("qkNopeHeadDim") ?? start.QkNopeHeadDim,
            m.Int("qkRopeHeadDim") ?? start.QkRopeHeadDim, m.Int("vHeadDim") ?? start.VHeadDim);
    }
}
