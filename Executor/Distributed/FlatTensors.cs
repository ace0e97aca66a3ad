using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// A flat 1-D buffer that holds several tensors end to end, in order (how buckets, shards and PowerSGD's factors travel
/// through one MPI call), cut back into those tensors' shapes.
/// </summary>
public static class FlatTensors
{
    /// <summary>Views into <paramref name="flat"/>, one per tensor of <paramref name="shapes"/>, with its shape.</summary>
    public static Tensor[] Views(Tensor flat, IReadOnlyList<Tensor> shapes)
    {
        long offset = 0;
        var views = new Tensor[shapes.Count];
        for (int i = 0; i < shapes.Count; i++)
        {
            views[i] = flat.narrow(0, offset, shapes[i].numel()).view_as(shapes[i]);
            offset += shapes[i].numel();
        }
        return views;
    }

    /// <summary>Copies each stretch of <paramref name="flat"/> into its tensor of <paramref name="targets"/>.</summary>
    public static void CopyInto(Tensor flat, IReadOnlyList<Tensor> targets)
    {
        var views = Views(flat, targets);
        for (int i = 0; i < targets.Count; i++) targets[i].copy_(views[i]);
    }
}
