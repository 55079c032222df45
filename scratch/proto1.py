import time, math
import numpy as np
from rashba_diffusion.fem._compat import fem, mesh, ufl, MPI, PETSc, fem_petsc
from rashba_diffusion.fem.solver import LinearSolver, LinearSystem

GAMMA = 1.76085962784e11
A, Ku, Kp, Ms = 1.3e-11, 5e5, 2e5, 8e5
alpha, beta, u = 0.1, 0.2, 50.0
L, h = 120.0, 0.5
dt = 2e-12
Delta = math.sqrt(A/Ku)*1e9
msh = mesh.create_interval(MPI.COMM_WORLD, int(L/h), [0.0, L])
V = fem.functionspace(msh, ("Lagrange", 1, (6,)))
V3 = fem.functionspace(msh, ("Lagrange", 1, (3,)))
W = fem.Function(V)
m0 = fem.Function(V3)
x0 = 30.0
def prof(x):
    th = 2*np.arctan(np.exp((x[0]-x0)/Delta))
    return np.vstack([np.sin(th), 0*th, np.cos(th)])
m0.interpolate(prof)
dxv = ufl.dx(metadata={"quadrature_rule": "vertex", "quadrature_degree": 1})
m1 = ufl.as_vector([W[i] for i in range(3)])
B = ufl.as_vector([W[i] for i in range(3, 6)])
T = ufl.TestFunction(V)
phi = ufl.as_vector([T[i] for i in range(3)])
psi = ufl.as_vector([T[i] for i in range(3, 6)])
mb = (m0 + m1)/2
k = fem.Constant(msh, dt)
ez = ufl.as_vector([0, 0, 1.0]); ey = ufl.as_vector([0, 1.0, 0])
fieldform = (2*A/Ms*1e18)*ufl.inner(ufl.grad(mb), ufl.grad(psi)) - (2*Ku/Ms)*ufl.dot(mb, ez)*ufl.dot(psi, ez) + (2*Kp/Ms)*ufl.dot(mb, ey)*ufl.dot(psi, ey)
dmb = mb.dx(0)
uc = fem.Constant(msh, u*1e9)
G = -GAMMA*B + uc*ufl.cross(mb, dmb) + beta*uc*dmb
f = (ufl.cross(mb, G) + alpha*ufl.cross(mb, ufl.cross(mb, G)))/(1+alpha**2)
R = (ufl.dot(m1 - m0, phi) - k*ufl.dot(f, phi) + ufl.dot(B, psi))*dxv + fieldform*dxv
dW = ufl.TrialFunction(V)
J = ufl.derivative(R, W, dW)
Jf, Rf = fem.form(J), fem.form(-R)
sysm = LinearSystem(Jf, Rf, [], V)
solver = LinearSolver(sysm, {"pc_factor_mat_solver_type": "petsc", "pc_factor_mat_ordering_type": "rcm"})
delta = fem.Function(V)
# initial W: m1 = m0
W.x.array.reshape(-1, 6)[:, :3] = m0.x.array.reshape(-1, 3)
qform = fem.form(m0[2]*dxv)
def q():
    return (L + msh.comm.allreduce(fem.assemble_scalar(qform)))/2 # Q=+1 -> (L + int mz)/2? 
ts, qs = [], []
t = 0.0; nsteps = int(0.2e-9/dt); its = 0
t0 = time.perf_counter()
for n in range(nsteps):
    # predictor: m1 = m0 (or extrapolate)
    for it in range(20):
        solver.solve(out=delta)
        W.x.array[:] += delta.x.array
        its += 1
        if np.max(np.abs(delta.x.array.reshape(-1,6)[:, :3])) < 1e-11:
            break
    m0.x.array[:] = W.x.array.reshape(-1, 6)[:, :3].ravel()
    t += dt
    if n % 10 == 0:
        ts.append(t); qs.append(q())
el = time.perf_counter()-t0
ts, qs = np.array(ts), np.array(qs)
v = np.polyfit(ts[len(ts)//2:], qs[len(qs)//2:], 1)[0]*1e-9
nrm = np.linalg.norm(m0.x.array.reshape(-1,3), axis=1)
print("steps", nsteps, "its", its, "time", el, "v", v, "expected", beta*u/alpha, "rel", v/(beta*u/alpha)-1, "norm err", np.max(np.abs(nrm-1)))
print(qs[:5], qs[-5:])
print(m0.x.array.reshape(-1,3)[::40])
