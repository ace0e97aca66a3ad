using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// What a unit of a stage's parameters is: the embeddings, one transformer block, the final norm and output layer, the gradients
/// final only after backward (gradient buckets), or the tied embedding shared with the other end of the pipeline (ZeRO shards).
/// </summary>
public enum UnitKind { Embeddings, Block, Head, AfterBackward, Shared }

/// <summary>A unit of parameters whose gradients complete together in backward, as indices into the stage's (or rank's) parameter list.</summary>
public sealed record ModelUnit(IReadOnlyList<int> Parameters, UnitKind Kind);

/// <summary>
/// What runs around each unit's forward on a stage: before it (<see cref="Entering"/>, which may wrap the input so its backward
/// reports that the unit's weight gradients are complete) and after it (<see cref="Leaving"/>, which may wrap the output so its
/// backward reports that the unit's backward is about to start). TorchSharp 0.107 has no module or tensor hooks; the wrappers
/// are <see cref="TwoWay"/> identities.
/// </summary>
public interface IUnitHooks
{
    Tensor Entering(int unit, Tensor x);

    Tensor Leaving(int unit, Tensor y);
}
