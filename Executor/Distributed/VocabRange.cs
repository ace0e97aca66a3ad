using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// The vocabulary entries [First, First + Count) one tensor rank holds under vocabulary parallelism: rank t of tp holds
/// [t·V/tp, (t + 1)·V/tp) (Megatron-LM's VocabUtility.vocab_range_from_global_vocab_size).
/// </summary>
public readonly record struct VocabRange(long First, long Count)
{
    public static VocabRange Of(long vocab, TensorGroup group)
    {
        Require(vocab, group.Size);
        long count = vocab / group.Size;
        return new VocabRange(group.Rank * count, count);
    }

    /// <summary>Refuses a vocabulary that <paramref name="tp"/> ranks cannot split into equal ranges.</summary>
    public static void Require(long vocab, int tp)
    {
        if (!LayoutRules.TpSplitsVocab(vocab, tp))
            throw new SpecException("layout.tp", $"the vocabulary-parallel output layer splits model.vocab={vocab} over tp={tp}, which must divide it");
    }

    /// <summary>
    /// Token ids (any shape) as indices into this range, and where they fall outside it (another rank's entries, whose index is
    /// set to 0 so a lookup stays in bounds; the caller masks what it reads there), as in Megatron-LM's VocabParallelEmbedding.
    /// </summary>
    public (Tensor Index, Tensor Elsewhere) Locate(Tensor ids)
    {
        var elsewhere = ids.lt(First).logical_or(ids.ge(First + Count));
        return ((ids - First).masked_fill(elsewhere, 0), elsewhere);
    }
}
