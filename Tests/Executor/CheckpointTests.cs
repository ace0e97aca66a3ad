using static TorchSharp.torch;
using ScalePlanner.Executor.Checkpoints;
using ScalePlanner.Executor.Data;
using ScalePlanner.Executor.Model;
using ScalePlanner.Executor.Training;
using ScalePlanner.Simulator.Layouts;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Executor;

[Collection(TorchCollection.Name)]
public class CheckpointTests
{
    private const int Total = 20, Half = 10;

    private static readonly MarkovSource Source = new(TinyModels.Gpt.Vocab, 2, seed: 4);

    /// <summary>Trains to <paramref name="steps"/> of a 20-step schedule, from scratch or from the newest checkpoint in the folder.</summary>
    private static List<double> Train(OptimizerKind optimizer, Precision precision, int steps, string folder, bool resume)
    {
        var store = new CheckpointStore(folder);
        var from = resume ? store.LoadLatest(out _) ?? throw new InvalidOperationException("no checkpoint to resume from") : null;
        manual_seed(7);
        using var model = new GptModel(TinyModels.Gpt);
        var options = new TrainerOptions(8, 4, steps, new LearningRateSchedule(3e-3, 4, Total), optimizer, Precision: precision)
        {
            Checkpoints = new CheckpointOptions(folder, Every: 5),
        };
        var batches = new SyntheticBatches(Source, TinyModels.Gpt.SequenceLength, seed: 3, position: from?.DataPosition ?? 0);
        return [.. Trainer.Run(model, options, batches, resumeFrom: from).Select(m => m.Loss)];
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW, Precision.Fp32)]
    [InlineData(OptimizerKind.Sgd, Precision.Fp32)]
    [InlineData(OptimizerKind.Lamb, Precision.Bf16)]
    [InlineData(OptimizerKind.Adafactor, Precision.Fp16)]
    public void Should_Continue_A_Resumed_Run_With_Exactly_The_Losses_Of_An_Uninterrupted_One(OptimizerKind optimizer, Precision precision)
    {
        var whole = Train(optimizer, precision, Total, Directory.CreateTempSubdirectory("scaleplan-whole-").FullName, resume: false);
        string folder = Directory.CreateTempSubdirectory("scaleplan-resume-").FullName;
        var first = Train(optimizer, precision, Half, folder, resume: false);
        var second = Train(optimizer, precision, Total, folder, resume: true);
        // Exactly: the same kernels on the same inputs in the same order on the same CPU give the same bits.
        Assert.Equal(whole, [.. first, .. second]);
        Assert.Equal(Half, second.Count);
    }

    [Fact]
    public void Should_Detect_A_Corrupted_Checkpoint_And_Fall_Back_To_The_One_Before()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-corrupt-").FullName;
        Train(OptimizerKind.AdamW, Precision.Fp32, Half, folder, resume: false);
        var store = new CheckpointStore(folder);
        Assert.Equal(["step-00000010.ckpt", "step-00000005.ckpt"], store.Files().Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp"));
        string newest = store.Files()[0];
        var bytes = File.ReadAllBytes(newest);
        bytes[bytes.Length / 2] ^= 0x01;   // one flipped bit in the middle of the weights
        File.WriteAllBytes(newest, bytes);

        var checkpoint = store.LoadLatest(out var rejected);
        Assert.NotNull(checkpoint);
        Assert.Equal(5, checkpoint.Step);
        Assert.Equal(5 * 8, checkpoint.DataPosition);
        Assert.Equal($"{newest}: SHA-256 digest does not match the contents (corrupted or truncated)", Assert.Single(rejected));
    }

    [Fact]
    public void Should_Keep_Only_The_Newest_Checkpoints()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-keep-").FullName;
        var store = new CheckpointStore(folder, keep: 2);
        foreach (int step in new[] { 1, 2, 3 }) store.Save(new TrainingCheckpoint(step, step * 10, [1, 2, 3]));
        Assert.Equal(["step-00000003.ckpt", "step-00000002.ckpt"], store.Files().Select(Path.GetFileName));
        var newest = store.LoadLatest(out _)!;
        Assert.Equal((3, 30L), (newest.Step, newest.DataPosition));
        Assert.Equal([1, 2, 3], newest.State);
        File.WriteAllBytes(store.Files()[0], [1, 2, 3]);
        Assert.Equal(2, store.LoadLatest(out var rejected)!.Step);
        Assert.Contains("shorter than a checkpoint's header and digest", Assert.Single(rejected));
    }

    [Fact]
    public void Should_Pass_Over_A_Stray_File_And_Load_The_Newest_Step_At_Or_Below_A_Ceiling()
    {
        string folder = Directory.CreateTempSubdirectory("scaleplan-stray-").FullName;
        var store = new CheckpointStore(folder);
        foreach (int step in new[] { 2, 4, 6 }) store.Save(new TrainingCheckpoint(step, step * 10, [1]));
        File.Copy(Path.Combine(folder, "step-00000006.ckpt"), Path.Combine(folder, "step-00000009-old.ckpt"));   // sorts first, names no step
        Assert.Equal(6, store.LoadLatest(out var rejected)!.Step);
        Assert.EndsWith("step-00000009-old.ckpt: not named step-NNNNNNNN.ckpt", Assert.Single(rejected));
        Assert.Equal(4, store.LoadNewest(5, out _)!.Step);
        Assert.Null(store.LoadNewest(1, out _));
    }
}
