using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Layouts;

/// <summary>Layers of one pipeline stage (or chunk) by kind: dense blocks and MoE blocks.</summary>
public readonly record struct StageLayers(int Dense, int Moe)
{
    public int Total => Dense + Moe;

    /// <summary>The kinds of <paramref name="count"/> consecutive layers from layer <paramref name="start"/> (0-based).</summary>
    public static StageLayers Range(ModelSpec model, int start, int count)
    {
        if (model.Moe is not { } moe) return new StageLayers(count, 0);
        int moeLayers = 0;
        for (int layer = start; layer < start + count; layer++)
        {
            if (moe.IsMoeLayer(layer)) moeLayers++;
        }
        return new StageLayers(count - moeLayers, moeLayers);
    }

    /// <summary>The layers of virtual stage <paramref name="virtualStage"/>: virtual stages take consecutive layers in order (Megatron-Core's layer numbering).</summary>
    public static StageLayers OfChunk(ModelSpec model, in StageSplit split, int virtualStage)
    {
        int start = 0;
        for (int k = 0; k < virtualStage; k++) start += split.InChunk(k);
        return Range(model, start, split.InChunk(virtualStage));
    }

    /// <summary>The layers one pipeline stage holds over all its chunks.</summary>
    public static StageLayers OfStage(ModelSpec model, in StageSplit split, int stage)
    {
        if (model.Moe is null) return new StageLayers(split.OnStage(stage), 0);
        int dense = 0, moe = 0;
        for (int chunk = 0; chunk < split.ChunksPerStage; chunk++)
        {
            var layers = OfChunk(model, split, chunk * split.Stages + stage);
            dense += layers.Dense;
            moe += layers.Moe;
        }
        return new StageLayers(dense, moe);
    }
}

/// <summary>
/// The layer kinds of the three kinds of stage the cost model prices: the first, the middle one with the most MoE layers (the
/// slowest and fullest, as an MoE block outweighs a dense one) and the last. With pp ≤ 2 the middle is empty.
/// </summary>
public readonly record struct StageKinds(StageLayers First, StageLayers Middle, StageLayers Last)
{
    public static StageKinds Of(ModelSpec model, in StageSplit split)
    {
        int p = split.Stages;
        if (model.Moe is null) return new StageKinds(new(split.First, 0), new(split.Middle, 0), new(split.Last, 0));
        var middle = new StageLayers(0, 0);
        for (int stage = 1; stage < p - 1; stage++)
        {
            var layers = StageLayers.OfStage(model, split, stage);
            if (stage == 1 || layers.Moe > middle.Moe) middle = layers;
        }
        return new StageKinds(StageLayers.OfStage(model, split, 0), middle, StageLayers.OfStage(model, split, p - 1));
    }
}
