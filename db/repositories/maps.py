"""Map configuration (singleton) and district shapes (JSON, relative coordinates)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from db.dialect import NOW
from db.errors import NotFound
from db.records import DistrictShape, MapConfig
from db.repositories.base import Repository, check_int, to_json


class MapRepository(Repository):
    async def get_config(self) -> MapConfig:
        row = await self.sql.fetchone(
            "SELECT base_map_path, map_width, map_height FROM map_configuration WHERE id='current'"
        )
        return MapConfig() if row is None else MapConfig(*row)

    async def find_config(self) -> MapConfig | None:
        """None until a map was configured (get_config answers the empty default)."""
        row = await self.sql.fetchone(
            "SELECT base_map_path, map_width, map_height FROM map_configuration WHERE id='current'"
        )
        return None if row is None else MapConfig(*row)

    async def set_config(self, config: MapConfig) -> None:
        for name in ("map_width", "map_height"):
            if getattr(config, name) is not None:
                check_int(name, getattr(config, name), 1)
        await self._write(
            "set map configuration",
            "INSERT INTO map_configuration (id, base_map_path, map_width, map_height) "
            "VALUES ('current', ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
            "base_map_path=excluded.base_map_path, map_width=excluded.map_width, "
            f"map_height=excluded.map_height, updated_at={NOW}",
            (config.base_map_path, config.map_width, config.map_height),
        )

    async def set_shape(self, district_id: str, shape: Mapping[str, Any]) -> None:
        await self.set_shapes_many({district_id: shape})

    async def set_shapes_many(self, shapes: Mapping[str, Mapping[str, Any]]) -> int:
        return await self._write_many(
            "set shapes",
            "INSERT INTO district_shapes (district_id, shape_data) VALUES (?, ?) "
            "ON CONFLICT(district_id) DO UPDATE SET shape_data=excluded.shape_data, "
            f"updated_at={NOW}",
            [(d, to_json("shape", dict(s))) for d, s in sorted(shapes.items())],
            entity="district shape",
        )

    async def get_shape(self, district_id: str) -> DistrictShape:
        row = await self.sql.fetchone(
            "SELECT district_id, shape_data FROM district_shapes WHERE district_id=?",
            (district_id,),
        )
        if row is None:
            raise NotFound("district shape", district_id)
        return DistrictShape(row[0], json.loads(row[1]))

    async def list_shapes(self) -> list[DistrictShape]:
        rows = await self.sql.fetchall(
            "SELECT district_id, shape_data FROM district_shapes ORDER BY district_id"
        )
        return [DistrictShape(r[0], json.loads(r[1])) for r in rows]

    async def delete_shape(self, district_id: str) -> None:
        count = await self._write(
            "delete shape", "DELETE FROM district_shapes WHERE district_id=?", (district_id,)
        )
        if count == 0:
            raise NotFound("district shape", district_id)
