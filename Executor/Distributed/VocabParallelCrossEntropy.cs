using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The mean cross-entropy of logits split over the vocabulary (Megatron-LM's vocab_parallel_cross_entropy, Shoeybi et al. 2019,
/// §3): each tensor rank holds V/tp logits per token, and only three numbers per token cross the group (the maximum, the sum of
/// exponentials and the target's logit), never the logits. Built from differentiable ops and g (sum forward, identity backward),
/// its backward hands each rank softmax − one-hot over its own V/tp logits, divided by the token count.
/// </summary>
public static class VocabParallelCrossEntropy
{
    /// <param name="logits">This rank's logits (B, T, V/tp), fp32.</param>
    /// <param name="targets">Target ids (B, T) over the whole vocabulary.</param>
    public static Tensor Mean(Tensor logits, Tensor targets, TensorGroup group)
    {
        long count = logits.shape[^1];
        var local = logits.view(-1, count);                                                     // (N, V/tp)
        // Shifting by the maximum over the whole vocabulary keeps exp in range and leaves the softmax unchanged: a constant.
        var shifted = local - group.MaxOver(local.amax([1], keepdim: true));                   // (N, V/tp)
        var sumExp = group.Sum(shifted.exp().sum(1));                                           // g: Σ over all V of exp(z − max), (N)
        var (index, elsewhere) = VocabRange.Of(count * group.Size, group).Locate(targets.reshape(-1));
        var target = group.Sum(shifted.gather(1, index.unsqueeze(1)).squeeze(1).masked_fill(elsewhere, 0));   // g: z_target − max, (N)
        return (sumExp.log() - target).mean();                                                  // −log softmax(z)_target = log Σ exp(z − max) − (z_target − max)
    }
}
