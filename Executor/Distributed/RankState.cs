using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Everything one rank of a distributed job needs to continue exactly where it stopped, as bytes for its checkpoint: its chunks'
/// weights (its tensor-parallel shard of its pipeline stages), its optimizer state (<see cref="IReplicaUpdate.Save"/>: moments,
/// master weights, its ZeRO partition, PowerSGD's Q and error feedback), LibTorch's default RNG state, and the fp16 loss scaler's
/// and numerical guards' state (<see cref="GuardState"/>), which every rank holds alike. The run's identity travels first
/// (<see cref="RunIdentity"/>), so a checkpoint is never loaded into another split, model, batch or schedule.
/// </summary>
public sealed class RankState(RankModel model, IReplicaUpdate update, RunIdentity identity, DynamicLossScaler? scaler, NumericalGuard guard)
{
    public byte[] Capture()
    {
        using var scope = NewDisposeScope();
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory))
        {
            identity.Write(writer);
            model.Save(writer);
            update.Save(writer);
            get_rng_state().Save(writer);
            GuardState.Write(writer, scaler, guard);
        }
        return memory.ToArray();
    }

    /// <summary>
    /// Puts a captured state back; false (and nothing loaded) when another run wrote it, told apart in <paramref name="difference"/>.
    /// A rollback keeps the guard's count of bad steps in a row (<paramref name="keepBadCount"/>).
    /// </summary>
    public bool TryRestore(byte[] state, bool keepBadCount, out string? difference)
    {
        // No dispose scope here: the optimizer's loaded moments must outlive this call.
        using var reader = new BinaryReader(new MemoryStream(state));
        difference = identity.DifferenceFrom(RunIdentity.Read(reader));
        if (difference is not null) return false;
        model.Load(reader);
        update.Load(reader);
        using var rng = Tensor.Load(reader);
        set_rng_state(rng);
        GuardState.Read(reader, scaler, guard, keepBadCount);
        return true;
    }
}
