using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace ScalePlanner.Executor.Training;

/// <summary>
/// Everything a run needs to continue exactly where it stopped, as bytes for a checkpoint: what the run is (its
/// <see cref="RunIdentity"/>, so a checkpoint is never loaded into another model, optimizer or schedule), the model's weights, the fp32 master
/// weights, the optimizer's moments and step counts, LibTorch's default RNG state, the fp16 loss scaler and the guards' window
/// and counter. (The step number and the data position travel beside it in the checkpoint.)
/// </summary>
public sealed class TrainerState(GptModel model, MasterWeights? masters, StepOptimizer optimizer, DynamicLossScaler? scaler, NumericalGuard guard, RunIdentity identity)
{
    public byte[] Capture()
    {
        using var scope = NewDisposeScope();
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory))
        {
            identity.Write(writer);
            model.save(writer);
            foreach (var master in masters?.Masters ?? []) master.Save(writer);
            optimizer.Save(writer);
            get_rng_state().Save(writer);
            GuardState.Write(writer, scaler, guard);
        }
        return memory.ToArray();
    }

    /// <summary>
    /// Puts a captured state back, refusing one another run wrote. A rollback keeps the guard's count of bad steps in a row, so
    /// repeated rollbacks still end in a divergence.
    /// </summary>
    public void Restore(byte[] state, bool keepBadCount)
    {
        // No dispose scope here: the optimizer's loaded moments must outlive this call.
        using var reader = new BinaryReader(new MemoryStream(state));
        identity.RequireSame(RunIdentity.Read(reader));
        model.load(reader);
        using (no_grad())
        {
            foreach (var master in masters?.Masters ?? [])
            {
                using var loaded = Tensor.Load(reader);
                master.copy_(loaded);
            }
        }
        optimizer.Load(reader);
        using var rng = Tensor.Load(reader);
        set_rng_state(rng);
        GuardState.Read(reader, scaler, guard, keepBadCount);
    }
}
