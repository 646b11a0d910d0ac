// Runs in: the host tool (the supervisor), before the go. Its reader is tool/TinyDocker.Init/Plan.cs.
using System.Buffers.Binary;
using System.Text;
using TinyDocker.Runtime.Host;
using TinyDocker.Runtime.Mounts;
using TinyDocker.Runtime.Spec;

namespace TinyDocker.Runtime.Init;

/// <summary>
/// Everything the runtime-free init (tool/TinyDocker.Init) needs, resolved here where a runtime is
/// already running: the mount plan (the one <see cref="MountPlanner"/> makes for the .NET init),
/// the capabilities and seccomp program of <see cref="Confinement"/>, the ids, the command, its
/// environment, and where <see cref="CommandLookup"/> would look for it. It goes down the control
/// pipe with the go, as its length (4 bytes, little-endian), the plan, then 'G'.
///
/// The plan: "TDI1", flags, capabilities (8 bytes), uid, gid, hostname, root, scratch directory,
/// working directory, the debug clock's start (8 bytes, 0: off), the forwarded signals, the command's
/// path (none: look it up) and the candidates for it, argv, envp, the seccomp program, then the
/// mount steps. Numbers are little-endian 4 bytes unless said; a string is its length, its bytes and
/// a NUL, or the length 0xFFFFFFFF alone for none; a list is its count, then its items.
/// </summary>
internal static class NativeInitPlan
{
    private const uint Magic = 0x31494454; // "TDI1"
    private const uint Rootless = 1, LoopbackUp = 2, Privileged = 4, HasUser = 8;

    private enum Step : byte
    {
        MakePrivate = 1, MakeHostDir, MakeDir, MountHost, MountInRoot, MakeCharDevice, MakeSymlink, BindMount,
        BindDevice, MaskPath, ReadOnlyPath, RemountInRoot, RemountHost, PivotRoot,
    }

    /// <summary>What the supervisor writes to the control pipe for the go; <paramref name="plan"/> must end with the pivot.</summary>
    public static byte[] Encode(ContainerSpec spec, IReadOnlyList<MountOp> plan, long? debugSince)
    {
        if (plan.Count == 0 || plan[^1] is not PivotRoot)
        {
            throw new ArgumentException("a mount plan ends with its pivot", nameof(plan));
        }
        var confinement = new Confinement(spec);
        var w = new Writer();
        w.U32(Magic);
        w.U32((spec.Rootless ? Rootless : 0) | (spec.Network == NetworkModes.None ? LoopbackUp : 0)
              | (spec.Privileged ? Privileged : 0) | (spec.User is not null ? HasUser : 0));
        w.U64(confinement.CapabilityMask);
        w.U32(spec.User?.Uid ?? 0);
        w.U32(spec.User?.Gid ?? 0);
        w.Str(spec.Hostname);
        w.Str(MountPlanner.RootDir(spec));
        w.Str(MountPlanner.ScratchDir(spec));
        w.Str(spec.WorkingDir);
        w.U64((ulong)(debugSince ?? 0));
        w.List(ContainerRunner.ForwardedSignals, (w, s) => w.U32((uint)s));
        string command = spec.Command[0];
        bool lookedUp = !command.Contains('/');
        w.Str(lookedUp ? null : command);
        w.List(lookedUp ? CommandLookup.Candidates(command, spec.Env, spec.WorkingDir) : [], (w, c) => w.Str(c));
        w.List(spec.Command, (w, a) => w.Str(a));
        w.List(spec.Env, (w, e) => w.Str(e));
        var seccomp = confinement.Seccomp ?? [];
        w.List(seccomp, (w, i) =>
        {
            w.U16(i.Code);
            w.U8(i.JumpTrue);
            w.U8(i.JumpFalse);
            w.U32(i.K);
        });
        w.List(plan, Encode);
        byte[] body = w.ToArray();
        var message = new byte[4 + body.Length + 1];
        BinaryPrimitives.WriteInt32LittleEndian(message, body.Length);
        body.CopyTo(message, 4);
        message[^1] = (byte)InitProtocol.Go;
        return message;
    }

    private static void Encode(Writer w, MountOp op)
    {
        switch (op)
        {
            case MakePrivate p:
                w.U8((byte)Step.MakePrivate);
                w.Str(p.Path);
                break;
            case MakeDir d:
                w.U8((byte)(d.InRoot ? Step.MakeDir : Step.MakeHostDir));
                w.Str(d.Path);
                w.U32(d.Mode);
                break;
            case MountFs m:
                w.U8((byte)(m.InRoot ? Step.MountInRoot : Step.MountHost));
                w.Str(m.Source);
                w.Str(m.Target);
                w.Str(m.FsType);
                w.U64((ulong)m.Flags);
                w.Str(m.Data);
                break;
            case MakeCharDevice c:
                w.U8((byte)Step.MakeCharDevice);
                w.Str(c.Path);
                w.U32(c.Major);
                w.U32(c.Minor);
                w.U32(c.Mode);
                break;
            case MakeSymlink l:
                w.U8((byte)Step.MakeSymlink);
                w.Str(l.Path);
                w.Str(l.Target);
                break;
            case BindMount b:
                w.U8((byte)Step.BindMount);
                w.Str(b.Source);
                w.Str(b.Target);
                w.U8(b.ReadOnly ? (byte)1 : (byte)0);
                w.U8(b.NoDev ? (byte)1 : (byte)0);
                break;
            case BindDevice d:
                w.U8((byte)Step.BindDevice);
                w.Str(d.HostPath);
                w.Str(d.Path);
                break;
            case MaskPath m:
                w.U8((byte)Step.MaskPath);
                w.Str(m.Path);
                break;
            case ReadOnlyPath r:
                w.U8((byte)Step.ReadOnlyPath);
                w.Str(r.Path);
                w.U8(r.BindFirst ? (byte)1 : (byte)0);
                break;
            case RemountReadOnly ro:
                w.U8((byte)(ro.InRoot ? Step.RemountInRoot : Step.RemountHost));
                w.Str(ro.Target);
                break;
            case PivotRoot r:
                w.U8((byte)Step.PivotRoot);
                w.Str(r.NewRoot);
                break;
            default:
                throw new InvalidOperationException($"unknown mount operation {op}");
        }
    }

    private sealed class Writer
    {
        private readonly MemoryStream _out = new();

        public void U8(byte b) => _out.WriteByte(b);

        public void U16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
            _out.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            _out.Write(b);
        }

        public void U64(ulong v)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(b, v);
            _out.Write(b);
        }

        /// <summary>A string as its UTF-8 bytes; one with a NUL cannot reach a system call, and is refused.</summary>
        public void Str(string? s)
        {
            if (s is null)
            {
                U32(uint.MaxValue);
                return;
            }
            if (s.Contains('\0'))
            {
                throw new TinyDockerException($"`{s.Replace("\0", "\\0", StringComparison.Ordinal)}` holds a NUL byte");
            }
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            U32((uint)bytes.Length);
            _out.Write(bytes);
            _out.WriteByte(0);
        }

        public void List<T>(IReadOnlyList<T> items, Action<Writer, T> item)
        {
            U32((uint)items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                item(this, items[i]);
            }
        }

        public byte[] ToArray() => _out.ToArray();
    }
}
