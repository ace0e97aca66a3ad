using ScalePlanner.Executor.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Distributed;

/// <summary>
/// Everything one rank of a tp × dp × pp job needs to continue exactly where it stopped, as bytes for its checkpoint: its stage's
/// weights (its tensor-parallel shard of its pipeline stage), its optimizer state (<see cref="IReplicaUpdate.Save"/>: moments,
/// the ZeRO-1 block, PowerSGD's Q and error feedback) and LibTorch's default RNG state. The run's identity travels first
/// (<see cref="RunIdentity"/>), so a checkpoint is never loaded into another split, model, batch or schedule.
/// </summary>
public sealed class RankState(StageModel stage, IReplicaUpdate update, RunIdentity identity)
{
    public byte[] Capture()
    {
        using var scope = NewDisposeScope();
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory))
        {
            identity.Write(writer);
            stage.save(writer);
            update.Save(writer);
            get_rng_state().Save(writer);
        }
        return memory.ToArray();
    }

    /// <summary>Puts a captured state back; false (and nothing loaded) when another run wrote it, told apart in <paramref name="difference"/>.</summary>
    public bool TryRestore(byte[] state, out string? difference)
    {
        // No dispose scope here: the optimizer's loaded moments must outlive this call.
        using var reader = new BinaryReader(new MemoryStream(state));
        difference = identity.DifferenceFrom(RunIdentity.Read(reader));
        if (difference is not null) return false;
        stage.load(reader);
        update.Load(reader);
        using var rng = Tensor.Load(reader);
        set_rng_state(rng);
        return true;
    }
}
