import time, math
import numpy as np
from rashba_diffusion.fem._compat import fem, mesh, ufl, MPI, PETSc, fem_petsc
GAMMA = 1.76085962784e11
A, Ku, Kp, Ms = 1.3e-11, 5e5, 2e5, 8e5
alpha, beta, u = 0.1, 0.2, 50.0
for ncell in (240, 2400, 24000):
    msh = mesh.create_interval(MPI.COMM_WORLD, ncell, [0.0, 120.0])
    V = fem.functionspace(msh, ("Lagrange", 1, (6,)))
    V3 = fem.functionspace(msh, ("Lagrange", 1, (3,)))
    W = fem.Function(V); m0 = fem.Function(V3); ms = fem.Function(V3)
    dxv = ufl.dx(metadata={"quadrature_rule": "vertex", "quadrature_degree": 1})
    m1 = ufl.as_vector([W[i] for i in range(3)]); B = ufl.as_vector([W[i] for i in range(3, 6)])
    T = ufl.TestFunction(V); phi = ufl.as_vector([T[i] for i in range(3)]); psi = ufl.as_vector([T[i] for i in range(3, 6)])
    ez = ufl.as_vector([0, 0, 1.0]); ey = ufl.as_vector([0, 1.0, 0])
    k = fem.Constant(msh, 1e-12); uc = fem.Constant(msh, u*1e9)
    def forms(mstar, W, m1, B):
        mb = (m0 + m1)/2
        fieldform = (2*A/Ms*1e18)*ufl.inner(ufl.grad(mb), ufl.grad(psi)) - (2*Ku/Ms)*ufl.dot(mb, ez)*ufl.dot(psi, ez) + (2*Kp/Ms)*ufl.dot(mb, ey)*ufl.dot(psi, ey)
        dmb = mb.dx(0)
        G = -GAMMA*B + uc*ufl.cross(mstar if mstar is not None else mb, dmb) + beta*uc*dmb
        mm = mstar if mstar is not None else mb
        f = (ufl.cross(mm, G) + alpha*ufl.cross(mm, ufl.cross(mm, G)))/(1+alpha**2)
        return (ufl.dot(m1 - m0, phi) - k*ufl.dot(f, phi) + ufl.dot(B, psi))*dxv + fieldform*dxv
    R = forms(None, W, m1, B)
    J = fem.form(ufl.derivative(R, W, ufl.TrialFunction(V)))
    Wt = ufl.TrialFunction(V)
    Rl = forms(ms, None, ufl.as_vector([Wt[i] for i in range(3)]), ufl.as_vector([Wt[i] for i in range(3,6)]))
    Al = fem.form(ufl.lhs(Rl))
    Rf = fem.form(R)
    for name, f in (("newtonJ", J), ("picardA", Al)):
        Am = fem_petsc.create_matrix(f)
        t0 = time.perf_counter()
        for _ in range(50):
            Am.zeroEntries(); fem_petsc.assemble_matrix(Am, f); Am.assemble()
        print(ncell, name, (time.perf_counter()-t0)/50*1e3, "ms")
    b = fem_petsc.create_vector(V)
    t0 = time.perf_counter()
    for _ in range(50):
        with b.localForm() as l: l.set(0)
        fem_petsc.assemble_vector(b, Rf)
    print(ncell, "residual", (time.perf_counter()-t0)/50*1e3, "ms")
