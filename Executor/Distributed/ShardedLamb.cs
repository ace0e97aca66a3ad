using ScalePlanner.Executor.Optimizers;
using ScalePlanner.Executor.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// LAMB (You et al. 2020, Alg. 2; the rule of <see cref="Lamb"/>) over this replica's ZeRO blocks: Adam's moments are
/// elementwise and stay partitioned; the layer-wise trust ratio ‖w‖/‖r‖ needs each whole tensor's norms, summed piecewise over
/// the blocks and then over the replicas (<see cref="ShardSegments"/>), so every replica applies the ratio of the whole tensor.
/// </summary>
public sealed class ShardedLamb(IReadOnlyList<Parameter> blocks, ShardSegments segments, Lamb rule) : IOptimizerStep
{
    private readonly Tensor[] m = [.. blocks.Select(b => zeros_like(b))], v = [.. blocks.Select(b => zeros_like(b))];
    private int step;

    public void Step(double learningRate)
    {
        step++;
        var (correction1, correction2) = rule.Corrections(step);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var r = blocks.Select((w, b) => rule.Direction(m[b], v[b], w.grad!, w, correction1, correction2)).ToList();
        var weightNorms = segments.SumPerTensor([.. blocks.Select(w => w.square())]).sqrt();
        var updateNorms = segments.SumPerTensor([.. r.Select(x => x.square())]).sqrt();
        var trust = weightNorms.data<float>().Zip(updateNorms.data<float>(), (w, u) => (float)Lamb.Trust(w, u)).Append(0f).ToArray();
        var ratio = tensor(trust);
        for (int b = 0; b < blocks.Count; b++) blocks[b].sub_(r[b] * ratio.index_select(0, segments.Segment[b]) * learningRate);
    }

    public void Save(BinaryWriter writer)
    {
        writer.Write(step);
        foreach (var moment in m.Concat(v)) moment.Save(writer);
    }

    public void Load(BinaryReader reader)
    {
        step = reader.ReadInt32();
        using var noGrad = no_grad();
        foreach (var moment in m.Concat(v))
        {
            using var loaded = Tensor.Load(reader);
            moment.copy_(loaded);
        }
    }
}
