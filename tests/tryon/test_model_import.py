"""Vendor models: any unit, axis or catalog-tool scale imports to the true size, materials kept."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image
from trimesh.exchange.obj import export_obj
from trimesh.visual.material import PBRMaterial, SimpleMaterial

from tryon.model_import import (
    FACE_BUDGET,
    ModelInputError,
    ReadResolver,
    import_model,
    main_material,
    prepare,
    recoloured,
)
from tryon.parametric import build

W, D, H = 2.2, 0.92, 0.82


def _sofa_mesh() -> trimesh.Trimesh:
    return build("sofa", W, D, H, "#D8CBB4", seats=3).to_geometry()


def _export(mesh: trimesh.Trimesh, file_type: str) -> bytes:
    data = trimesh.Scene(mesh).export(file_type=file_type) if file_type == "glb" else mesh.export(file_type=file_type)
    return data.encode() if isinstance(data, str) else data  # OBJ comes back as text


def _load(glb: bytes) -> trimesh.Scene:
    return trimesh.load_scene(io.BytesIO(glb), file_type="glb")


def _materials(glb: bytes) -> list:
    return [g.visual.material for g in _load(glb).geometry.values() if hasattr(g.visual, "material")]


@pytest.mark.parametrize("unit, scale", [("m", 1.0), ("cm", 100.0), ("mm", 1000.0), ("inch", 1 / 0.0254)])
@pytest.mark.parametrize("file_type", ["glb", "obj", "ply", "stl"])
def test_every_unit_imports_to_the_true_size(unit, scale, file_type):
    mesh = _sofa_mesh()
    mesh.apply_scale(scale)
    glb, report = import_model(_export(mesh, file_type), file_type, W, D, H)
    assert report.unit == unit and report.scale == pytest.approx(1 / scale) and not report.z_up
    loaded = _load(glb)
    assert np.allclose(loaded.extents, [W, H, D], atol=0.01)
    assert loaded.bounds[0][1] == pytest.approx(0, abs=1e-6)  # on the floor
    assert np.allclose((loaded.bounds[0] + loaded.bounds[1])[[0, 2]] / 2, 0, atol=1e-6)  # centred


def test_a_catalog_tool_unit_is_scaled_uniformly_and_reported():
    mesh = _sofa_mesh()
    mesh.apply_scale([37.1 * 1.006, 37.1, 37.1 * 0.992])  # an odd unit and the small slop of real exports
    glb, report = import_model(_export(mesh, "obj"), "obj", W, D, H)
    assert report.unit is None and report.scale == pytest.approx(1 / 37.1, rel=0.01)
    assert 0 < report.deviation_m <= 0.02 and report.deviation_axis in ("width", "depth")
    assert np.allclose(_load(glb).extents, [W, H, D], atol=0.02)


def test_wrong_proportions_are_refused_with_the_numbers():
    mesh = _sofa_mesh()
    mesh.apply_scale([37.1, 37.1, 37.1 * 1.12])  # 12 % too deep at any uniform scale
    with pytest.raises(ModelInputError) as caught:
        import_model(_export(mesh, "stl"), "stl", W, D, H)
    error = caught.value
    assert error.code == "model_size_mismatch"
    assert error.params["declared"] == "220 × 92 × 82" and error.params["cm"] > error.params["allowed"]
    assert error.params["axis"] in ("width", "height", "depth") and float(error.params["scale"]) > 0


def test_z_up_models_are_stood_upright():
    mesh = _sofa_mesh()
    mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))  # now Z-up
    mesh.apply_scale(1000)
    glb, report = import_model(_export(mesh, "stl"), "stl", W, D, H)
    assert report.z_up and report.unit == "mm"
    assert np.allclose(_load(glb).extents, [W, H, D], atol=0.01)


def test_odd_axes_with_an_odd_unit():
    mesh = _sofa_mesh()
    mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))  # Z-up ...
    mesh.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [0, 0, 1]))  # ... facing sideways
    mesh.apply_scale(12.5)
    glb, report = import_model(_export(mesh, "ply"), "ply", W, D, H)
    assert report.z_up and report.turned and report.unit is None
    assert np.allclose(_load(glb).extents, [W, H, D], atol=0.01)


def _textured_box() -> trimesh.Trimesh:
    box = trimesh.creation.box(extents=[220, 82, 92])  # centimetres
    box.visual = trimesh.visual.TextureVisuals(
        uv=np.random.default_rng(1).random((len(box.vertices), 2)),
        material=SimpleMaterial(name="Linen", image=Image.new("RGB", (64, 64), (200, 180, 150))),
    )
    return box


def test_obj_textures_and_normal_maps_are_kept():
    obj, files = export_obj(_textured_box(), include_texture=True, return_texture=True, mtl_name="sofa.mtl")
    normal = io.BytesIO()
    Image.new("RGB", (32, 32), (128, 128, 255)).save(normal, format="PNG")
    files["sofa.mtl"] += b"\nnorm Linen_normal.png\n"
    files["Linen_normal.png"] = normal.getvalue()
    resolver = ReadResolver(lambda name: files[name])
    glb, report = import_model(obj.encode(), "obj", W, D, H, resolver=resolver)
    assert report.unit == "cm"
    (material,) = _materials(glb)
    assert isinstance(material, PBRMaterial) and material.name == "Linen"
    assert material.baseColorTexture is not None and material.normalTexture is not None


def test_glb_materials_and_ply_vertex_colours_are_kept():
    sofa = build("sofa", W * 100, D * 100, H * 100, "#3A6B4F")  # a GLB in centimetres
    glb, _ = import_model(sofa.export(file_type="glb"), "glb", W, D, H)
    colours = {tuple(m.baseColorFactor[:3]) for m in _materials(glb)}
    assert (0x3A, 0x6B, 0x4F) in colours and (0x2B, 0x2B, 0x2B) in colours  # fabric and legs
    mesh = _sofa_mesh()
    mesh.visual = trimesh.visual.ColorVisuals(mesh, vertex_colors=[200, 30, 30, 255])
    glb, _ = import_model(_export(mesh, "ply"), "ply", W, D, H)
    (loaded,) = _load(glb).geometry.values()
    assert tuple(loaded.visual.vertex_colors[0][:3]) == (200, 30, 30)


def test_a_200k_triangle_model_is_simplified_for_phones_keeping_its_texture():
    sphere = trimesh.creation.icosphere(subdivisions=7)  # 327 k faces
    sphere.apply_scale([110, 41, 46])  # centimetres
    sphere.visual = trimesh.visual.TextureVisuals(
        uv=np.clip(sphere.vertices[:, :2] / 220 + 0.5, 0, 1),
        material=PBRMaterial(name="Oak", baseColorTexture=Image.new("RGB", (4096, 4096), (150, 110, 70))),
    )
    assert len(sphere.faces) > 200_000
    glb, report = import_model(_export(sphere, "glb"), "glb", 2.2, 0.92, 0.82)
    assert report.faces_in == len(sphere.faces) and report.faces_out <= FACE_BUDGET
    assert report.bytes_out < report.bytes_in
    (material,) = _materials(glb)
    assert max(material.baseColorTexture.size) <= 2048  # textures shrunk too
    assert np.allclose(_load(glb).extents, [2.2, 0.82, 0.92], atol=0.02)


def test_large_meshes_are_simplified_to_a_given_budget():
    sphere = trimesh.creation.icosphere(subdivisions=8)  # 1.3 M faces
    big = trimesh.util.concatenate([sphere, sphere.copy().apply_translation([0, 0, 0.001])])
    assert len(big.faces) > 2_000_000
    big.apply_scale([1.1, 0.41, 0.46])
    glb, report = import_model(_export(big, "ply"), "ply", 2.2, 0.92, 0.82, face_budget=50_000)
    assert report.faces_in > 2_000_000 and report.faces_out <= 50_000
    assert np.allclose(_load(glb).extents, [2.2, 0.82, 0.92], atol=0.02)


@pytest.mark.parametrize(
    "data, file_type, code",
    [
        (b"solid nothing\nendsolid nothing\n", "stl", "empty_model"),
        (b"ply\nformat ascii 1.0\nelement vertex 0\nelement face 0\nend_header\n", "ply", "empty_model"),
        (b"\x00\x01garbage that is not a model" * 10, "glb", "invalid_model"),
        (b"glTF\x02\x00\x00\x00\xff\xff\xff\x7f", "glb", "invalid_model"),  # a header promising 2 GB
        (b"v 0 0 0\nv 1 0 0\nv nan 1 0\nf 1 2 3\n", "obj", "model_not_finite"),
        (b"v 0 0 0\n", "fbx", "unsupported_model_format"),
    ],
)
def test_broken_files_are_refused(data, file_type, code):
    with pytest.raises(ModelInputError) as caught:
        import_model(data, file_type, W, D, H)
    assert caught.value.code == code


def test_a_model_of_another_shape_is_refused():
    box = trimesh.creation.box(extents=[0.5, 0.5, 0.5])
    with pytest.raises(ModelInputError) as caught:
        import_model(_export(box, "stl"), "stl", W, D, H)
    assert caught.value.code == "model_size_mismatch"


def test_variants_recolour_the_main_material_and_keep_its_detail():
    sofa = build("sofa", W, D, H, "#D8CBB4")
    for geometry in sofa.geometry.values():  # fabric and legs, named as vendors do
        material = geometry.visual.material
        material.name = "Fabric" if tuple(material.baseColorFactor[:3]) == (0xD8, 0xCB, 0xB4) else "Legs"
    scene, _ = prepare(sofa.export(file_type="glb"), "glb", W, D, H)
    assert main_material(scene) == "Fabric"
    green = recoloured(scene, "#2F5D3A")
    by_name = {g.visual.material.name: tuple(g.visual.material.baseColorFactor[:3]) for g in green.geometry.values()}
    assert by_name == {"Fabric": (0x2F, 0x5D, 0x3A), "Legs": (0x2B, 0x2B, 0x2B)}
    assert {tuple(g.visual.material.baseColorFactor[:3]) for g in scene.geometry.values()} >= {(0xD8, 0xCB, 0xB4)}

    textured, _ = prepare(_export(_textured_box(), "glb"), "glb", W, D, H)
    (detail,) = [g.visual.material for g in recoloured(textured, "#2F5D3A").geometry.values()]
    assert detail.baseColorTexture is not None and tuple(detail.baseColorFactor[:3]) == (0x2F, 0x5D, 0x3A)


def test_generated_catalog_models_are_true_to_size():
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
            scene = _load(glb)
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
    assert report.unit == "cm" and np.allclose(_load(glb).extents, [W, H, D], atol=0.01)
