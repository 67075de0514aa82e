"""Vendor models: the same sofa in any unit imports to the same true size."""

import io

import numpy as np
import pytest
import trimesh

from tryon.model_import import ModelInputError, import_model
from tryon.parametric import build

W, D, H = 2.2, 0.92, 0.82


def _sofa_mesh() -> trimesh.Trimesh:
    return build("sofa", W, D, H, "#D8CBB4", seats=3).to_geometry()


def _export(mesh: trimesh.Trimesh, file_type: str) -> bytes:
    data = trimesh.Scene(mesh).export(file_type=file_type) if file_type == "glb" else mesh.export(file_type=file_type)
    return data.encode() if isinstance(data, str) else data  # OBJ comes back as text


def _extents(glb: bytes) -> np.ndarray:
    return trimesh.load(io.BytesIO(glb), file_type="glb", force="mesh").extents


@pytest.mark.parametrize("unit, scale", [("m", 1.0), ("cm", 100.0), ("mm", 1000.0), ("inch", 1 / 0.0254)])
@pytest.mark.parametrize("file_type", ["glb", "obj", "ply", "stl"])
def test_every_unit_imports_to_the_true_size(unit, scale, file_type):
    mesh = _sofa_mesh()
    mesh.apply_scale(scale)
    glb, report = import_model(_export(mesh, file_type), file_type, W, D, H)
    assert report.unit == unit and not report.z_up
    assert np.allclose(_extents(glb), [W, H, D], atol=0.01)
    loaded = trimesh.load(io.BytesIO(glb), file_type="glb", force="mesh")
    assert loaded.bounds[0][1] == pytest.approx(0, abs=1e-6)  # on the floor
    assert np.allclose((loaded.bounds[0] + loaded.bounds[1])[[0, 2]] / 2, 0, atol=1e-6)  # centred


def test_z_up_models_are_stood_upright():
    mesh = _sofa_mesh()
    mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))  # now Z-up
    mesh.apply_scale(1000)
    glb, report = import_model(_export(mesh, "stl"), "stl", W, D, H)
    assert report.z_up and report.unit == "mm"
    assert np.allclose(_extents(glb), [W, H, D], atol=0.01)


def test_large_meshes_are_simplified_to_the_budget():
    sphere = trimesh.creation.icosphere(subdivisions=8)  # 1.3 M faces
    big = trimesh.util.concatenate([sphere, sphere.copy().apply_translation([0, 0, 0.001])])
    assert len(big.faces) > 2_000_000
    big.apply_scale([1.1, 0.41, 0.46])
    glb, report = import_model(_export(big, "ply"), "ply", 2.2, 0.92, 0.82, face_budget=50_000)
    assert report.faces_in > 2_000_000 and report.faces_out <= 50_000
    assert np.allclose(_extents(glb), [2.2, 0.82, 0.92], atol=0.02)


@pytest.mark.parametrize(
    "data, file_type, code",
    [
        (b"solid nothing\nendsolid nothing\n", "stl", "empty_model"),
        (b"ply\nformat ascii 1.0\nelement vertex 0\nelement face 0\nend_header\n", "ply", "empty_model"),
        (b"\x00\x01garbage that is not a model" * 10, "glb", "invalid_model"),
        (b"v 0 0 0\nv 1 0 0\nv nan 1 0\nf 1 2 3\n", "obj", "invalid_model"),
        (b"v 0 0 0\n", "fbx", "invalid_model"),
    ],
)
def test_broken_files_are_refused(data, file_type, code):
    with pytest.raises(ModelInputError) as caught:
        import_model(data, file_type, W, D, H)
    assert caught.value.code == code


def test_a_model_of_another_size_is_refused():
    box = trimesh.creation.box(extents=[0.5, 0.5, 0.5])
    with pytest.raises(ModelInputError) as caught:
        import_model(_export(box, "stl"), "stl", W, D, H)
    assert caught.value.code == "model_size_mismatch"


def test_generated_catalog_models_are_true_to_size():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "assets"
    specs = json.loads((root / "models" / "parametric.json").read_text())
    products = {p["sku"]: p for p in json.loads((root / "seed" / "products.json").read_text())}
    for sku, spec in specs.items():
        product = products[sku]
        params = {k: v for k, v in spec.items() if k != "kind"}
        for variant in product["variants"]:
            glb = build(
                spec["kind"],
                product["width_m"],
                product["depth_m"],
                product["height_m"],
                variant["color_hex"],
                **params,
            ).export(file_type="glb")
            scene = trimesh.load(io.BytesIO(glb), file_type="glb")
            assert np.allclose(
                scene.extents, [product["width_m"], product["height_m"], product["depth_m"]], atol=0.01
            ), sku
            assert scene.bounds[0][1] == pytest.approx(0, abs=1e-6)
            colours = {tuple(g.visual.material.baseColorFactor[:3]) for g in scene.geometry.values()}
            wanted = tuple(int(variant["color_hex"][i : i + 2], 16) for i in (1, 3, 5))
            assert wanted in colours, (sku, variant["id"])
            assert len(scene.geometry) >= (1 if spec["kind"] == "rug" else 3)  # parts, not a single box


def test_gltf_with_embedded_buffers():
    from trimesh.exchange.gltf import export_gltf

    mesh = _sofa_mesh()
    mesh.apply_scale(100)  # centimetres
    gltf = export_gltf(trimesh.Scene(mesh), embed_buffers=True)["model.gltf"]
    glb, report = import_model(gltf, "gltf", W, D, H)
    assert report.unit == "cm" and np.allclose(_extents(glb), [W, H, D], atol=0.01)
